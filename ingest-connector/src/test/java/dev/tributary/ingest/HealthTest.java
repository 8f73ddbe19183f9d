package dev.tributary.ingest;

import java.util.List;

import dev.tributary.testsupport.HealthContract;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** ingest-connector is ready when its Kafka channels are. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class HealthTest extends HealthContract {

    @Override
    protected List<String> readinessChecks() {
        return List.of("SmallRye Reactive Messaging - readiness check");
    }
}
