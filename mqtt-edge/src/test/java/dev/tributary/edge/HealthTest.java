package dev.tributary.edge;

import java.util.List;

import dev.tributary.testsupport.HealthContract;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The edge is ready when its MQTT listener is open, the mirror reaches Kafka and the auth replica is loaded. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class HealthTest extends HealthContract {

    @Override
    protected List<String> readinessChecks() {
        return List.of("mqtt-listener", "kafka", "auth-replica");
    }

    @Override
    protected List<String> ownMetrics() {
        return List.of("tributary_mqtt_connections", "tributary_mirror_records_pending");
    }
}
