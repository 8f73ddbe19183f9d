package dev.tributary.edge.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.Topics;

class TopicTreeTest {

    private static final String[] LEVELS = { "a", "b", "c", "", "$SYS", "x" };

    @Test
    void matchesExactlyWhatTheSharedTopicRulesMatch() {
        Random random = new Random(42);
        TopicTree tree = new TopicTree();
        Map<String, String> filterByClient = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            String filter = randomFilter(random);
            filterByClient.put("c" + i, filter);
            tree.subscribe("c" + i, filter, i % 3);
        }
        for (int i = 0; i < 2_000; i++) {
            String topic = randomName(random);
            List<String> expected = new ArrayList<>();
            filterByClient.forEach((client, filter) -> {
                if (Topics.matches(filter, topic)) {
                    expected.add(client);
                }
            });
            assertThat(tree.match(topic).keySet()).as(topic).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards_MQTT_4_7_2_1() {
        TopicTree tree = new TopicTree();
        tree.subscribe("hash", "#", 0);
        tree.subscribe("plus", "+/broker/uptime", 0);
        tree.subscribe("sys", "$SYS/#", 0);
        assertThat(tree.match("$SYS/broker/uptime")).containsOnlyKeys("sys");
    }

    @Test
    void unsubscribeRemovesAndPrunes() {
        TopicTree tree = new TopicTree();
        tree.subscribe("c", "a/b/c", 1);
        tree.subscribe("c", "a/#", 2);
        assertThat(tree.match("a/b/c")).containsEntry("c", 2);
        assertThat(tree.unsubscribe("c", "a/#")).isTrue();
        assertThat(tree.match("a/b/c")).containsEntry("c", 1);
        assertThat(tree.unsubscribe("c", "a/b/c")).isTrue();
        assertThat(tree.unsubscribe("c", "a/b/c")).isFalse();
        assertThat(tree.size()).isZero();
        assertThat(tree.match("a/b/c")).isEmpty();
    }

    @Test
    void resubscribingReplacesTheQos_MQTT_3_8_4_3() {
        TopicTree tree = new TopicTree();
        assertThat(tree.subscribe("c", "t", 2)).isTrue();
        assertThat(tree.subscribe("c", "t", 0)).isFalse();
        assertThat(tree.match("t")).containsEntry("c", 0);
        assertThat(tree.size()).isEqualTo(1);
    }

    private static String randomFilter(Random random) {
        int levels = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < levels; l++) {
            if (l > 0) {
                sb.append('/');
            }
            int pick = random.nextInt(LEVELS.length + 2);
            if (pick == LEVELS.length) {
                sb.append('+');
            } else if (pick == LEVELS.length + 1) {
                sb.append('#');
                break;
            } else {
                sb.append(LEVELS[pick]);
            }
        }
        return sb.toString();
    }

    private static String randomName(Random random) {
        int levels = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < levels; l++) {
            if (l > 0) {
                sb.append('/');
            }
            sb.append(LEVELS[random.nextInt(LEVELS.length)]);
        }
        return sb.toString();
    }
}
