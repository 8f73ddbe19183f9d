package dev.tributary.edge.retained;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.Topics;
import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.retained.RetainedStore.Outcome;

/**
 * The retained store keeps within its limits, in total and per topic tree, and clearing always works; a
 * wildcard lookup finds what {@link Topics#matches} matches, looking only where its filter can match.
 */
class InMemoryRetainedStoreTest {

    private static Message retained(String topic, int payloadBytes) {
        return new Message(topic, new byte[payloadBytes], 0, true, "c", "u", 0);
    }

    /** What a retained message costs in a branch of its own: its footprint and the tree's levels for its topic. */
    private static long size(String topic, int payloadBytes) {
        long bytes = Footprint.of(retained(topic, payloadBytes));
        String[] levels = Topics.levels(topic);
        for (String level : levels) {
            bytes += InMemoryRetainedStore.LEVEL_BYTES + 2L * level.length();
        }
        return bytes + (levels.length - 1) * InMemoryRetainedStore.CHILDREN_BYTES;
    }

    @Test
    void newTopicBeyondTheTotalCount_isNotKept_whileReplacingAndClearingStillWork_MQTT_3_3_1_10() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(new RetainedLimits(2, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        assertThat(store.put(retained("a/1", 1))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("b/1", 1))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("c/1", 1))).isEqualTo(Outcome.OVER_MAX_MESSAGES);
        assertThat(store.matching("c/1")).isEmpty();
        assertThat(store.put(retained("a/1", 5))).as("a replacement adds no message").isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("a/1", 0))).isEqualTo(Outcome.CLEARED);
        assertThat(store.put(retained("c/1", 1))).as("room again").isEqualTo(Outcome.STORED);
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void bytesBeyondTheTotal_areNotKept_andASmallerReplacementAlwaysFits() {
        long limit = size("a", 1_000) + size("b", 1_000);
        InMemoryRetainedStore store = new InMemoryRetainedStore(new RetainedLimits(Long.MAX_VALUE, limit, Long.MAX_VALUE, Long.MAX_VALUE));
        assertThat(store.put(retained("a", 1_000))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("b", 1_000))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("c", 1))).isEqualTo(Outcome.OVER_MAX_BYTES);
        assertThat(store.put(retained("a", 10))).isEqualTo(Outcome.STORED);
        assertThat(store.bytes()).isEqualTo(size("a", 10) + size("b", 1_000));
        assertThat(store.bytes()).isLessThanOrEqualTo(limit);
    }

    @Test
    void largerReplacementBeyondTheBytes_clearsTheTopic_ratherThanLeaveAnOlderMessageStanding() {
        long limit = size("a", 1_000);
        InMemoryRetainedStore store = new InMemoryRetainedStore(new RetainedLimits(Long.MAX_VALUE, limit, Long.MAX_VALUE, Long.MAX_VALUE));
        assertThat(store.put(retained("a", 1_000))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("a", 2_000))).isEqualTo(Outcome.OVER_MAX_BYTES);
        assertThat(store.matching("a")).isEmpty();
        assertThat(store.bytes()).isZero();
    }

    @Test
    void oneTopicTreeAtItsLimits_doesNotCrowdOutTheOthers() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(new RetainedLimits(Long.MAX_VALUE, Long.MAX_VALUE, 2,
                size("fleet/v1/status", 100) + size("fleet/v2/status", 100)));
        assertThat(store.put(retained("junk/1", 100))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("junk/2", 100))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("junk/3", 100))).isEqualTo(Outcome.OVER_MAX_MESSAGES_PER_TREE);
        assertThat(store.put(retained("junk/2", 100_000))).isEqualTo(Outcome.OVER_MAX_BYTES_PER_TREE);
        assertThat(store.put(retained("fleet/v1/status", 100))).isEqualTo(Outcome.STORED);
        assertThat(store.put(retained("fleet/v2/status", 100))).isEqualTo(Outcome.STORED);
        assertThat(store.matching("#")).extracting(Message::topic).containsExactlyInAnyOrder("junk/1", "fleet/v1/status",
                "fleet/v2/status");
    }

    @Test
    void clearingATopicThatHoldsNothing_isHarmless() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(new RetainedLimits(1, 1_000, 1, 1_000));
        assertThat(store.put(retained("a", 0))).isEqualTo(Outcome.CLEARED);
        assertThat(store.put(retained("a", 1))).isEqualTo(Outcome.STORED);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void wildcardLookups_findExactlyWhatTheFilterMatches_MQTT_4_7_1_2_MQTT_4_7_2_1() {
        Random random = new Random(20261202);
        String[] words = { "a", "b", "", "$SYS", "fleet", "x" };
        InMemoryRetainedStore store = new InMemoryRetainedStore();
        Set<String> stored = new HashSet<>();
        for (int round = 0; round < 3_000; round++) {
            StringBuilder topic = new StringBuilder(words[random.nextInt(words.length)]);
            for (int level = random.nextInt(4); level > 0; level--) {
                topic.append('/').append(words[random.nextInt(words.length - 1)]);
            }
            if (topic.isEmpty()) {
                continue;
            }
            boolean clear = random.nextInt(3) == 0;
            store.put(retained(topic.toString(), clear ? 0 : 1 + random.nextInt(5)));
            if (clear) {
                stored.remove(topic.toString());
            } else {
                stored.add(topic.toString());
            }
        }
        assertThat(store.size()).isEqualTo(stored.size());
        String[] filterWords = { "a", "b", "", "$SYS", "fleet", "+", "+", "#" };
        for (int f = 0; f < 2_000; f++) {
            List<String> levels = new ArrayList<>();
            for (int level = 0; level <= random.nextInt(4); level++) {
                String word = filterWords[random.nextInt(filterWords.length)];
                levels.add(word);
                if (word.equals("#")) {
                    break;
                }
            }
            String filter = String.join("/", levels);
            Set<String> expected = new HashSet<>();
            stored.stream().filter(topic -> Topics.matches(filter, topic)).forEach(expected::add);
            assertThat(store.matching(filter)).as(filter).extracting(Message::topic).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aWildcardLookup_looksOnlyWhereItsFilterCanMatch_howeverMuchElseIsRetained() {
        InMemoryRetainedStore store = new InMemoryRetainedStore();
        for (int v = 0; v < 50_000; v++) {
            store.put(retained("fleet/v" + v + "/status", 1));
            store.put(retained("fleet/v" + v + "/commands/ack", 1));
        }
        List<Message> found = new ArrayList<>();
        assertThat(store.visit("fleet/v7/#", found)).as("root, fleet, v7 and its four levels").isEqualTo(6);
        assertThat(found).extracting(Message::topic).containsExactlyInAnyOrder("fleet/v7/status", "fleet/v7/commands/ack");
        found.clear();
        assertThat(store.visit("other/#", found)).isEqualTo(1);
        assertThat(store.visit("fleet/v7/+/ack", found)).isEqualTo(6);
        assertThat(found).extracting(Message::topic).containsExactly("fleet/v7/commands/ack");
        found.clear();
        // as many levels looked at as vehicles, each matching: the cost follows what matches
        assertThat(store.visit("fleet/+/status", found)).isLessThanOrEqualTo(2 + 3 * 50_000);
        assertThat(found).hasSize(50_000);
    }

    @Test
    void theTreesOwnLevels_countAgainstTheBytes_andAreGivenBackWhenCleared() {
        InMemoryRetainedStore store = new InMemoryRetainedStore();
        String deep = "l/".repeat(20_000) + "end";
        assertThat(store.put(retained(deep, 1))).isEqualTo(Outcome.STORED);
        assertThat(store.bytes()).as("20,001 levels, not just 40,003 characters")
                .isEqualTo(size(deep, 1)).isGreaterThan(20_000 * InMemoryRetainedStore.LEVEL_BYTES);
        assertThat(store.matching("#")).extracting(Message::topic).containsExactly(deep);
        assertThat(store.matching(deep)).hasSize(1);
        store.put(retained("l/x", 1));
        assertThat(store.put(retained(deep, 0))).isEqualTo(Outcome.CLEARED);
        assertThat(store.bytes()).isEqualTo(size("l/x", 1));
        store.put(retained("l/x", 0));
        assertThat(store.bytes()).isZero();
        assertThat(store.size()).isZero();
        assertThat(store.matching("#")).isEmpty();

        InMemoryRetainedStore bounded = new InMemoryRetainedStore(new RetainedLimits(Long.MAX_VALUE,
                Footprint.of(retained(deep, 1)) + 1_024, Long.MAX_VALUE, Long.MAX_VALUE));
        assertThat(bounded.put(retained(deep, 1))).as("a topic of many levels within a byte limit that its characters fit")
                .isEqualTo(Outcome.OVER_MAX_BYTES);
        assertThat(bounded.bytes()).isZero();
    }
}
