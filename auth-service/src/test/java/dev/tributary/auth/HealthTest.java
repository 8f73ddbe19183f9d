package dev.tributary.auth;

import java.util.List;

import dev.tributary.testsupport.HealthContract;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** auth-service is ready when it reaches Kafka, where it writes the auth topic. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class HealthTest extends HealthContract {

    @Override
    protected List<String> readinessChecks() {
        return List.of("Kafka connection health check");
    }
}
