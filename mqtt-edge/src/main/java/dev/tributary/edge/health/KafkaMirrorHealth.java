package dev.tributary.edge.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.tributary.edge.EdgeNode;

/**
 * Not ready while the mirror's records wait for Kafka without acknowledgements: a load balancer
 * should send new devices elsewhere, since this node cannot acknowledge their QoS 1/2 messages.
 */
@Readiness
@ApplicationScoped
public class KafkaMirrorHealth implements HealthCheck {

    private final EdgeNode node;

    KafkaMirrorHealth(EdgeNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        var mirror = node.mirror();
        if (mirror == null) {
            return HealthCheckResponse.named("kafka-mirror").up().withData("enabled", false).build();
        }
        return HealthCheckResponse.named("kafka-mirror").status(mirror.isHealthy())
                .withData("pending", mirror.pendingCount()).build();
    }
}
