package dev.tributary.edge.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.tributary.edge.EdgeNode;
import dev.tributary.edge.cluster.KafkaOtherNodes;

/**
 * Ready once the node has read what the edges share through Kafka (retained messages, the other nodes'
 * subscriptions, the end of its inbox): before that every CONNECT is answered "server unavailable".
 */
@Readiness
@ApplicationScoped
public class ClusterStateHealth implements HealthCheck {

    private final EdgeNode node;

    ClusterStateHealth(EdgeNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaOtherNodes others = node.otherNodes();
        if (others == null) {
            return HealthCheckResponse.named("cluster-state").up().withData("cluster", "off").build();
        }
        return HealthCheckResponse.named("cluster-state").status(node.clusterStateLoaded())
                .withData("node", node.nodeId())
                .withData("other-nodes-alive", others.liveNodes())
                .build();
    }
}
