package dev.tributary.edge.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.tributary.edge.EdgeNode;

/** Ready and live while the MQTT listener accepts connections. */
@Readiness
@Liveness
@ApplicationScoped
public class MqttListenerHealth implements HealthCheck {

    private final EdgeNode node;

    MqttListenerHealth(EdgeNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        boolean listening = node.server().isListening();
        return HealthCheckResponse.named("mqtt-listener").status(listening)
                .withData("port", listening ? node.server().port() : -1)
                .withData("node", node.nodeId())
                .build();
    }
}
