package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Exactly once from raw to curated across crashes: the packaged connector is killed with SIGKILL
 * while it works through a backlog, three times, and restarted each time. Afterwards every raw record
 * is in the curated or the dead-letter topic exactly once, as a read_committed consumer sees them.
 */
@Disabled("not reliable yet: in one of two clean-clone runs the restarted connector stopped at 49,939 of 50,000 records with"
        + " its 'ingest transactions' readiness DOWN and nothing logged; docs/analytics.md 'Exactly once' says what is proven")
class ExactlyOnceCrashIT {

    private static final int RECORDS = 50_000;
    private static final String GROUP = "tributary-ingest";

    @Test
    void afterSigkillsMidBatch_curatedPlusDeadLettersEqualRaw_eachExactlyOnce() throws Exception {
        String bootstrap = SharedKafka.get().bootstrapServers();
        String run = "crash" + System.nanoTime();
        String raw = run + ".raw";
        String curated = run + ".curated";
        String dlq = run + ".dlq";
        RawMirror.createTopic(bootstrap, raw, 4);
        int invalid = 0;
        // receive times as the edge stamps them: records stamped long ago are deleted by the broker's time-based
        // retention (7 days) at its next check, under the running connector
        long receivedAt = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = RawMirror.producer(bootstrap)) {
            for (int i = 0; i < RECORDS; i++) {
                String vehicle = "v" + (i % 50);
                if (i % 10 == 3) {
                    producer.send(RawMirror.record(raw, "fleet/" + vehicle + "/telemetry", vehicle,
                            ("not json " + i).getBytes(StandardCharsets.UTF_8), receivedAt + i));
                    invalid++;
                } else {
                    producer.send(RawMirror.telemetry(raw, vehicle, i, receivedAt + i));
                }
            }
            producer.flush();
        }
        Map<String, String> settings = new HashMap<>(IngestProcess.telemetryRule(raw, curated, dlq));
        settings.put("tributary.ingest.group-id", GROUP + "-" + run);
        settings.put("tributary.ingest.instance-id", run);
        settings.put("tributary.ingest.max-poll-records", "200");
        Path work = Files.createDirectories(Path.of("target", run));
        try (IngestProcess connector = IngestProcess.start(ServiceProcess.root(), work, "ingest", bootstrap, settings,
                List.of("-Xmx256m")); Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (double share : new double[] {0.1, 0.4, 0.7}) {
                awaitCommitted(admin, GROUP + "-" + run, (long) (RECORDS * share));
                connector.process().kill();
                connector.process().process().waitFor(30, TimeUnit.SECONDS);
                assertThat(committed(admin, GROUP + "-" + run)).as("killed before the end").isLessThan(RECORDS);
                connector.process().restart();
            }
            awaitCommitted(admin, GROUP + "-" + run, RECORDS);
        }

        List<ConsumerRecord<byte[], byte[]>> good = RawMirror.readAll(bootstrap, curated, true);
        List<ConsumerRecord<byte[], byte[]>> dead = RawMirror.readAll(bootstrap, dlq, true);
        assertThat(good.size() + dead.size()).isEqualTo(RECORDS);
        assertThat(dead).hasSize(invalid);
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : good) {
            String id = header(r, "ce_id"); // <raw topic>-<partition>-<offset>
            assertThat(seen.add(id.substring(raw.length() + 1).replace('-', '/'))).as("curated twice: " + id).isTrue();
        }
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String source = header(r, "tributary.source"); // <raw topic>/<partition>/<offset>
            assertThat(seen.add(source.substring(raw.length() + 1))).as("dead letter twice: " + source).isTrue();
        }
        assertThat(seen).hasSize(RECORDS);
        // the kills did land inside transactions: their aborted output is in the log, invisible to read_committed
        int all = RawMirror.readAll(bootstrap, curated, false).size() + RawMirror.readAll(bootstrap, dlq, false).size();
        assertThat(all).as("records of aborted transactions in the log").isGreaterThan(RECORDS);
    }

    private static void awaitCommitted(Admin admin, String group, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (committed(admin, group) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the connector committed " + committed(admin, group) + " of " + atLeast + " in time");
            }
            Thread.sleep(20);
        }
    }

    /** Raw records the group has committed (offsets summed over the partitions). */
    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
