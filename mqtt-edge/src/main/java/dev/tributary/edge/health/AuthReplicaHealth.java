package dev.tributary.edge.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.tributary.edge.EdgeNode;
import dev.tributary.edge.authreplica.KafkaAuthReplica;

/**
 * Ready once the node has read the auth topic to its end: before that every CONNECT is answered
 * "server unavailable", so a load balancer should send devices elsewhere.
 */
@Readiness
@ApplicationScoped
public class AuthReplicaHealth implements HealthCheck {

    private final EdgeNode node;

    AuthReplicaHealth(EdgeNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaAuthReplica replica = node.authReplica();
        if (replica == null) {
            return HealthCheckResponse.named("auth-replica").up().withData("authentication", "off").build();
        }
        return HealthCheckResponse.named("auth-replica").status(replica.isLoaded())
                .withData("principals", replica.snapshot().principals().size())
                .withData("acl-rules", replica.snapshot().acl().size())
                .build();
    }
}
