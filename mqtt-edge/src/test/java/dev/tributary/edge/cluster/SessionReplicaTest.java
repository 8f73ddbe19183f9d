package dev.tributary.edge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The offline sessions index: which offline sessions a topic matches, kept in step with the sessions topic. */
class SessionReplicaTest {

    private static byte[] offline(String lastOwner, Map<String, Integer> subscriptions) {
        return new SessionRecord("", lastOwner, 0, 10, subscriptions, Set.of(), Set.of()).encode();
    }

    private static byte[] online(String owner, Map<String, Integer> subscriptions) {
        return new SessionRecord(owner, "", 0, 10, subscriptions, Set.of(), Set.of()).encode();
    }

    @Test
    void anOfflineSessionIsMatchedByItsFiltersWithTheirQos() {
        SessionReplica replica = new SessionReplica();
        replica.apply("c1", 1, offline("a", Map.of("fleet/+/telemetry", 1, "fleet/#", 2)));
        replica.apply("c2", 2, offline("a", Map.of("other/topic", 1)));
        assertThat(replica.matchOffline("fleet/v1/telemetry")).isEqualTo(Map.of("c1", 2));
        assertThat(replica.matchOffline("other/topic")).isEqualTo(Map.of("c2", 1));
        assertThat(replica.matchOffline("$SYS/x")).isEmpty(); // [MQTT-4.7.2-1]
        assertThat(replica.offline("c1").lastOwner).isEqualTo("a");
        assertThat(replica.offline("c1").offset).isEqualTo(1);
    }

    @Test
    void aSessionComingOnlineLeavesTheIndexAndATombstoneRemovesIt() {
        SessionReplica replica = new SessionReplica();
        replica.apply("c1", 1, offline("a", Map.of("t/#", 1)));
        replica.apply("c1", 2, online("b", Map.of("t/#", 1)));
        assertThat(replica.matchOffline("t/x")).isEmpty();
        assertThat(replica.known("c1").owner()).isEqualTo("b");
        replica.apply("c1", 3, offline("b", Map.of("u", 1)));
        assertThat(replica.matchOffline("t/x")).isEmpty();
        assertThat(replica.matchOffline("u")).containsOnlyKeys("c1");
        replica.apply("c1", 4, null);
        assertThat(replica.matchOffline("u")).isEmpty();
        assertThat(replica.known("c1")).isNull();
        assertThat(replica.hasOffline()).isFalse();
    }

    @Test
    void anOlderRecordReadBackAfterThisNodesOwnWriteChangesNothing() {
        SessionReplica replica = new SessionReplica();
        replica.apply("c1", 5, offline("a", Map.of("t", 1)));
        replica.apply("c1", 4, online("a", Map.of("t", 1)));
        assertThat(replica.matchOffline("t")).containsOnlyKeys("c1");
        assertThat(replica.known("c1").offset()).isEqualTo(5);
    }

    @Test
    void aSessionBeingOpenedStaysInTheIndexUntilItIsInTheTree() {
        SessionReplica replica = new SessionReplica();
        replica.apply("c1", 1, offline("a", Map.of("t", 1)));
        replica.opening("c1");
        replica.apply("c1", 2, online("b", Map.of("t", 1)));
        assertThat(replica.matchOffline("t")).containsOnlyKeys("c1");
        replica.opened("c1");
        assertThat(replica.matchOffline("t")).isEmpty();
    }

    @Test
    void anUnreadableRecordIsRefusedAndChangesNothing() {
        SessionReplica replica = new SessionReplica();
        replica.apply("c1", 1, offline("a", Map.of("t", 1)));
        assertThat(replica.apply("c1", 2, new byte[] { 1, 0 })).isFalse();
        assertThat(replica.matchOffline("t")).containsOnlyKeys("c1");
        assertThat(replica.known("c1").offset()).isEqualTo(1);
    }

    /** Prints the heap 100,000 offline sessions with one subscription each take here (a figure, not a check). */
    @Test
    void heapPerOfflineSession() {
        int sessions = 100_000;
        long before = usedAfterGc();
        SessionReplica replica = new SessionReplica();
        for (int i = 0; i < sessions; i++) {
            replica.apply("vehicle-" + i, i, offline("edge-1", Map.of("fleet/vehicle-" + i + "/cmd/#", 1)));
        }
        long after = usedAfterGc();
        assertThat(replica.offlineCount()).isEqualTo(sessions);
        assertThat(replica.matchOffline("fleet/vehicle-77/cmd/x")).containsOnlyKeys("vehicle-77");
        System.out.printf("offline sessions index: %d sessions, %.1f MB, %d bytes per session%n", sessions,
                (after - before) / 1e6, (after - before) / sessions);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
