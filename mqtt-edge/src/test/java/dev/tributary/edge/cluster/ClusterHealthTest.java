package dev.tributary.edge.cluster;

import java.util.List;
import java.util.Map;

import dev.tributary.testsupport.HealthContract;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The edge as it runs in production, one broker with the other edges on its Kafka: it starts, is ready once
 * it has read the shared state, and its cluster metrics are served (every meter registers).
 */
@QuarkusTest
@TestProfile(ClusterHealthTest.Cluster.class)
@QuarkusTestResource(KafkaTestResource.class)
class ClusterHealthTest extends HealthContract {

    public static class Cluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tributary.edge.cluster.enabled", "true", "tributary.edge.node-id", "edge-health-test");
        }
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("mqtt-listener", "kafka", "cluster-state");
    }

    @Override
    protected List<String> ownMetrics() {
        return List.of("tributary_cluster_nodes", "tributary_cluster_remote_filters", "tributary_cluster_backlog_bytes",
                "tributary_cluster_unreadable_total", "tributary_cluster_taken_over_total", "tributary_retained_unreadable_total");
    }
}
