package dev.tributary.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;
import dev.tributary.testsupport.StatsProcess;

/**
 * The packaged fleet-stats application on a real Kafka: curated telemetry records in (as the
 * ingest-connector writes them), one stats record per vehicle and minute out, once the minute has
 * closed, read as a read_committed consumer reads them; its metrics count what it did.
 */
class FleetStatsIT {

    private static final int VEHICLES = 5;

    @Test
    void curatedTelemetryIn_oneStatsRecordPerVehicleAndMinuteOut() throws Exception {
        String bootstrap = SharedKafka.get().bootstrapServers();
        String run = "stats" + System.nanoTime();
        String curated = run + ".curated";
        String stats = run + ".stats";
        RawMirror.createTopic(bootstrap, curated, 3);
        Map<String, String> settings = new HashMap<>();
        settings.put("tributary.stats.application-id", run);
        settings.put("tributary.stats.curated-topic", curated);
        settings.put("tributary.stats.stats-topic", stats);
        Path work = Files.createDirectories(Path.of("target", run));
        // minute-aligned, recent (records older than the broker's 7-day retention would be deleted under the test)
        long t0 = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
        try (StatsProcess app = StatsProcess.start(ServiceProcess.root(), work, "fleet-stats", bootstrap, settings,
                List.of("-Xmx256m")); KafkaProducer<byte[], byte[]> producer = RawMirror.producer(bootstrap)) {
            // in time order across vehicles, as a live fleet's records come: the stream time is per partition, and a
            // record older than its partition's stream time minus the grace would be late
            for (int i = 0; i < 6; i++) {
                for (int v = 0; v < VEHICLES; v++) {
                    // minute 0: 6 records, 10 s apart, 0.001° of longitude apart on the equator, speeds 10..60
                    producer.send(CuratedRecords.telemetry(curated, "v" + v, t0 + i * 10_000L, 0, i * 0.001, 10 * (i + 1)));
                    if (i == 0) {
                        producer.send(CuratedRecords.status(curated, "v" + v, t0 + 5_000L)); // not telemetry: skipped
                    }
                }
            }
            for (int v = 0; v < VEHICLES; v++) {
                producer.send(CuratedRecords.telemetry(curated, "v" + v, t0 + 65_000L, 0, 1, 80)); // minute 1: one record
            }
            for (int v = 0; v < VEHICLES; v++) {
                // past minute 1's end plus the grace (10 s): closes minutes 0 and 1 of its partition
                producer.send(CuratedRecords.telemetry(curated, "v" + v, t0 + 131_000L, 0, 1, 0));
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                out.clear();
                out.addAll(RawMirror.readAll(bootstrap, stats, true));
                return out.size() >= 2 * VEHICLES;
            });
            assertThat(out).hasSize(2 * VEHICLES);
            for (int v = 0; v < VEHICLES; v++) {
                String vehicle = "v" + v;
                VehicleStats first = CuratedRecords.find(out, vehicle, t0);
                assertThat(first.count()).isEqualTo(6);
                assertThat(first.speedAvg()).isEqualTo(35.0);
                assertThat(first.speedMax()).isEqualTo(60.0);
                assertThat(first.distanceMeters()).isCloseTo(5 * 111.195, within(0.1));
                assertThat(first.windowEnd()).isEqualTo(t0 + 60_000);
                VehicleStats second = CuratedRecords.find(out, vehicle, t0 + 60_000);
                assertThat(second.count()).isEqualTo(1);
                assertThat(second.speedMax()).isEqualTo(80.0);
                assertThat(second.distanceMeters()).isZero();
            }
            assertThat(app.metric("tributary_stats_records_out_total")).isEqualTo(2.0 * VEHICLES);
            assertThat(app.metric("tributary_stats_records_in_total")).isEqualTo(8.0 * VEHICLES);
            assertThat(app.metric("tributary_stats_records_skipped_total{reason=\"other-type\"")).isEqualTo(VEHICLES);
            assertThat(app.metrics()).as("Kafka Streams' own metrics, bound to Micrometer: threads, and lag").contains("kafka_stream_")
                    .contains("kafka_consumer_fetch_manager_records_lag");
        }
    }
}
