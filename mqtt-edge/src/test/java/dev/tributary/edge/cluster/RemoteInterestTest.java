package dev.tributary.edge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Which other nodes get a message: those alive whose clients subscribed to a matching filter. */
class RemoteInterestTest {

    private static final long TIMEOUT = 5_000;
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final RemoteInterest interest = new RemoteInterest("a", TIMEOUT, clock::get);

    private void record(String node, String filter, boolean present) {
        interest.apply(RemoteInterest.entry(RemoteInterest.key(node, filter)), present);
    }

    @Test
    void aLiveNodeGetsTheTopicsItsFiltersMatch_wildcardsAndDollarRulesIncluded() {
        record("b", "", true);
        record("b", "fleet/+/telemetry", true);
        record("c", "", true);
        record("c", "#", true);
        assertThat(interest.nodesFor("fleet/v1/telemetry")).containsExactlyInAnyOrder("b", "c");
        assertThat(interest.nodesFor("fleet/v1/status")).containsExactly("c");
        // [MQTT-4.7.2-1] a leading wildcard does not match a $ topic
        assertThat(interest.nodesFor("$SYS/broker/uptime")).isEmpty();
        assertThat(interest.liveNodes()).isEqualTo(2);
    }

    @Test
    void aFilterRemovedOrANodeStoppedCleanly_getsNothingMore() {
        record("b", "", true);
        record("b", "x/#", true);
        record("b", "x/#", false);
        assertThat(interest.nodesFor("x/1")).isEmpty();
        record("b", "x/#", true);
        record("b", "", false); // its heartbeat's tombstone: stopped cleanly
        assertThat(interest.nodesFor("x/1")).isEmpty();
        assertThat(interest.alive("b")).isFalse();
    }

    /** This node's heartbeat read back from the topic {@code after} the clock moved on. */
    private void ownBeatAfter(long after) {
        clock.addAndGet(after);
        record("a", "", true);
    }

    @Test
    void aNodeSilentForTheTimeoutWhileThisNodesOwnBeatsArrive_isDead_untilItBeatsAgain() {
        record("b", "", true);
        record("b", "x", true);
        ownBeatAfter(TIMEOUT);
        assertThat(interest.nodesFor("x")).containsExactly("b");
        ownBeatAfter(1);
        assertThat(interest.nodesFor("x")).isEmpty();
        assertThat(interest.liveNodeIds()).isEmpty();
        assertThat(interest.liveNodes()).isZero();
        record("b", "", true);
        assertThat(interest.nodesFor("x")).containsExactly("b");
    }

    @Test
    void whenNoHeartbeatArrivesAtAll_asWhileAKafkaBrokerFailsOver_noNodeIsTakenForDead() {
        record("b", "", true);
        record("b", "x", true);
        ownBeatAfter(1);
        clock.addAndGet(10 * TIMEOUT); // the topic's leader is gone: nobody's heartbeat is read, this node's neither
        assertThat(interest.nodesFor("x")).containsExactly("b");
        assertThat(interest.liveNodeIds()).containsExactly("b");
        assertThat(interest.liveNodes()).isEqualTo(1);
        // the topic is back and this node's beats written during the stall arrive before the other's: they are
        // old when read, so they do not make the other look silent
        interest.apply(RemoteInterest.entry(RemoteInterest.key("a", "")), true, 9 * TIMEOUT);
        assertThat(interest.alive("b")).isTrue();
        record("b", "", true);
        ownBeatAfter(1);
        assertThat(interest.alive("b")).isTrue();
    }

    @Test
    void thisNodesOwnRecordsAreIgnored_andKeysWithoutASeparatorAreUnreadable() {
        record("a", "", true);
        record("a", "#", true);
        assertThat(interest.nodesFor("anything")).isEmpty();
        assertThat(RemoteInterest.entry("no-separator".getBytes())).isNull();
        assertThat(RemoteInterest.entry(null)).isNull();
        assertThat(RemoteInterest.parts(RemoteInterest.key("client/with/slashes", "node-1")))
                .containsExactly("client/with/slashes", "node-1");
    }
}
