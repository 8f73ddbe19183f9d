package dev.tributary.ingest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.tributary.testsupport.HealthContract;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** ingest-connector is ready when Kafka is reachable and its transactional loop can write. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class HealthTest extends HealthContract {

    @Inject
    IngestConnector connector;

    /** The loop starts after the application (it waits for Kafka and the raw topic): wait for it, as up does. */
    @BeforeEach
    void loopStarted() {
        RawMirror.createTopic(SharedKafka.get().bootstrapServers(), "tributary.fleet.raw", 3);
        await().atMost(Duration.ofSeconds(60)).until(connector::ready);
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Kafka connection health check", IngestReadiness.NAME);
    }

    @Override
    protected List<String> ownMetrics() {
        return List.of("tributary_ingest_records_in_total{rule=\"fleet-telemetry\"", "tributary_ingest_records_out_total",
                "tributary_ingest_consumer_lag_records", "tributary_ingest_batch_seconds", "tributary_ingest_transactions_total");
    }
}
