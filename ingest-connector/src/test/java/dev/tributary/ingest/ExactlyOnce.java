package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.ProcessMemory;
import dev.tributary.testsupport.RawMirror;

/** What the connector's exactly-once tests share: a raw backlog, the group's progress, and the final count. */
final class ExactlyOnce {

    private ExactlyOnce() {
    }

    /** Writes {@code records} raw telemetry records to {@code raw}, every tenth one not JSON; returns how many are not. */
    static int writeBacklog(String bootstrap, String raw, int records) {
        int invalid = 0;
        // receive times as the edge stamps them: records stamped long ago are deleted by the broker's time-based
        // retention (7 days) at its next check, under the running connector
        long receivedAt = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = RawMirror.producer(bootstrap)) {
            for (int i = 0; i < records; i++) {
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
        return invalid;
    }

    /** Waits until the group has committed {@code atLeast} raw records; on a timeout, dumps the connector's threads. */
    static void awaitCommitted(Admin admin, String group, long atLeast, IngestProcess connector) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (committed(admin, group) < atLeast) {
            if (System.nanoTime() > deadline) {
                // what the stuck connector's threads are doing, next to its own log
                java.nio.file.Files.writeString(connector.process().log().resolveSibling("threads.txt"),
                        ProcessMemory.jcmd(connector.process().pid(), "Thread.print"));
                throw new AssertionError("the connector committed " + committed(admin, group) + " of " + atLeast
                        + " in time; its log: " + connector.process().log() + ", its threads: threads.txt beside it");
            }
            Thread.sleep(20);
        }
    }

    /** Raw records the group has committed (offsets summed over the partitions). */
    static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /**
     * As a read_committed consumer sees them, every raw record of {@code raw} is in {@code curated} or
     * {@code dlq} exactly once, and {@code invalid} of them are dead letters.
     */
    static void assertEachRawRecordOnce(String bootstrap, String raw, String curated, String dlq, int records, int invalid) {
        List<ConsumerRecord<byte[], byte[]>> good = RawMirror.readAll(bootstrap, curated, true);
        List<ConsumerRecord<byte[], byte[]>> dead = RawMirror.readAll(bootstrap, dlq, true);
        assertThat(good.size() + dead.size()).isEqualTo(records);
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
        assertThat(seen).hasSize(records);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
