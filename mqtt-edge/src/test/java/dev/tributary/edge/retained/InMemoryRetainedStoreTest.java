package dev.tributary.edge.retained;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.retained.RetainedStore.Outcome;

/** The retained store keeps within its limits, in total and per topic tree, and clearing always works. */
class InMemoryRetainedStoreTest {

    private static Message retained(String topic, int payloadBytes) {
        return new Message(topic, new byte[payloadBytes], 0, true, "c", "u", 0);
    }

    private static long size(String topic, int payloadBytes) {
        return Footprint.of(retained(topic, payloadBytes));
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
                size("junk/0", 100) * 3));
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
}
