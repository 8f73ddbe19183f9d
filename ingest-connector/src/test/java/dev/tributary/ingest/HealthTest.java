package dev.tributary.ingest;

import java.util.List;

import dev.tributary.testsupport.HealthContract;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** ingest-connector is ready when Kafka is reachable and its transactional loop can write. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class HealthTest extends HealthContract {

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
