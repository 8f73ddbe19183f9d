package dev.tributary.edge.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.tributary.edge.EdgeNode;

/**
 * Not ready while Kafka does not answer (a bounded cluster query) or the mirror's records wait
 * without acknowledgements: a load balancer should send new devices elsewhere, since this node
 * cannot acknowledge their QoS 1/2 messages. Replaces the Kafka extension's own check, whose
 * query waits up to a minute on a hanging broker.
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
        String kafka = node.kafkaProblem();
        var response = HealthCheckResponse.named("kafka").withData("kafka", kafka == null ? "reachable" : kafka);
        if (mirror == null) {
            return response.status(kafka == null).withData("mirror", "off").build();
        }
        return response.status(kafka == null && mirror.isHealthy())
                .withData("pending", mirror.pendingCount()).build();
    }
}
