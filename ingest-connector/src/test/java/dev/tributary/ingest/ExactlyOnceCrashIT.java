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
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.ProcessMemory;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Exactly once from raw to curated across crashes: the packaged connector is killed with SIGKILL
 * while it works through a backlog, each time while one of its transactions is open (three times),
 * and restarted each time. Afterwards every raw record
 * is in the curated or the dead-letter topic exactly once, as a read_committed consumer sees them.
 */
class ExactlyOnceCrashIT {

    private static final int RECORDS = 50_000;
    private static final String GROUP = "tributary-ingest";
    private static final int KILLS_INSIDE_TRANSACTIONS = 3;

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
        settings.put("quarkus.log.category.\"dev.tributary.ingest.pipeline\".level", "DEBUG");
        Path work = Files.createDirectories(Path.of("target", run));
        try (IngestProcess connector = IngestProcess.start(ServiceProcess.root(), work, "ingest", bootstrap, settings,
                List.of("-Xmx256m")); Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            // kill while a transaction is visibly open (its records are in the curated log, above the last stable
            // offset), and count the kills that were: a kill between two transactions proves nothing
            int insideTransaction = 0;
            for (int step = 1; step <= 9 && insideTransaction < KILLS_INSIDE_TRANSACTIONS; step++) {
                awaitCommitted(admin, GROUP + "-" + run, RECORDS * step / 10, connector);
                awaitOpenTransaction(admin, List.of(curated, dlq));
                connector.process().kill();
                connector.process().process().waitFor(30, TimeUnit.SECONDS);
                assertThat(committed(admin, GROUP + "-" + run)).as("killed before the end").isLessThan(RECORDS);
                if (openTransaction(admin, List.of(curated, dlq))) {
                    insideTransaction++;
                }
                connector.process().restart();
            }
            assertThat(insideTransaction).as("kills that landed inside an open transaction")
                    .isEqualTo(KILLS_INSIDE_TRANSACTIONS);
            awaitCommitted(admin, GROUP + "-" + run, RECORDS, connector);
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

    private static void awaitCommitted(Admin admin, String group, long atLeast, IngestProcess connector) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (committed(admin, group) < atLeast) {
            if (System.nanoTime() > deadline) {
                // what the stuck connector's threads are doing, next to its own log
                Files.writeString(connector.process().log().resolveSibling("threads.txt"),
                        ProcessMemory.jcmd(connector.process().pid(), "Thread.print"));
                throw new AssertionError("the connector committed " + committed(admin, group) + " of " + atLeast
                        + " in time; its log: " + connector.process().log() + ", its threads: threads.txt beside it");
            }
            Thread.sleep(20);
        }
    }

    /** Waits (a little) for a transaction with records in one of {@code topics} to be open; gives up quietly. */
    private static void awaitOpenTransaction(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!openTransaction(admin, topics) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    /** True when some partition of {@code topics} holds records of a transaction not yet committed or aborted. */
    private static boolean openTransaction(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        var high = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        return latest.keySet().stream().anyMatch(tp -> stable.get(tp).offset() < high.get(tp).offset());
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
