package dev.tributary.dashboard.history;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One device's records of the last minutes from a topic keyed by device id, read by timestamp: only the
 * partition the key lands on (Kafka's default partitioner), from {@code offsetsForTimes(now - window)} to the end
 * offset seen when the read starts. No consumer group, nothing committed.
 * <p>
 * Bounded per answer: at most {@code maxRecords} records and {@code maxBytes} bytes of record values are kept;
 * when either bound is reached the oldest kept records are dropped, so the answer holds the latest ones and
 * says it was cut ({@link Answer#truncated()}). A read that has not reached its end offset by {@code timeout}
 * answers with what it has, also marked truncated.
 */
public final class TopicHistory {

    /** One kept record: its Kafka timestamp, its headers' values as text, its value. */
    public record Entry(long timestamp, Map<String, String> headers, byte[] value) {
    }

    /** The kept records, oldest first; {@code truncated} when a bound cut older ones (or the read timed out). */
    public record Answer(List<Entry> entries, boolean truncated, long scanned) {
    }

    private final Properties consumerConfig;
    private final int maxRecords;
    private final long maxBytes;
    private final Duration timeout;

    public TopicHistory(Map<String, Object> kafka, int maxRecords, long maxBytes, Duration timeout) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        consumerConfig = new Properties();
        consumerConfig.putAll(kafka);
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // the connector writes in transactions: only what it committed is history
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // one fetch never holds more than the answer may
        int fetchBytes = (int) Math.max(64 * 1024, Math.min(Integer.MAX_VALUE, maxBytes));
        consumerConfig.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(fetchBytes));
        consumerConfig.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(fetchBytes));
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
    }

    public int maxRecords() {
        return maxRecords;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The records with key {@code key} from {@code since} (epoch ms) on that {@code keep} accepts, oldest first.
     *
     * @throws IllegalStateException when the topic does not exist or Kafka does not answer within the timeout
     */
    public Answer read(String topic, String key, long since, Predicate<Entry> keep) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return new Answer(List.of(), false, 0);
            }
            // the default partitioner's choice for a keyed record, so one vehicle costs one partition's read
            TopicPartition partition = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(keyBytes)) % partitions.size());
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, since), timeout).get(partition);
            if (start == null || start.offset() >= end) {
                return new Answer(List.of(), false, 0);
            }
            consumer.seek(partition, start.offset());
            Deque<Entry> kept = new ArrayDeque<>();
            long keptBytes = 0;
            long scanned = 0;
            boolean truncated = false;
            long position = start.offset();
            while (position < end) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    truncated = true;
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofNanos(Math.min(left, 500_000_000L)))) {
                    if (record.offset() >= end) {
                        break;
                    }
                    scanned++;
                    if (!Arrays.equals(keyBytes, record.key()) || record.value() == null || record.timestamp() < since) {
                        continue;
                    }
                    Entry entry = new Entry(record.timestamp(), headers(record), record.value());
                    if (!keep.test(entry)) {
                        continue;
                    }
                    kept.addLast(entry);
                    keptBytes += entry.value().length;
                    while (kept.size() > maxRecords || keptBytes > maxBytes) {
                        keptBytes -= kept.removeFirst().value().length;
                        truncated = true;
                    }
                }
                // transaction markers take offsets but are never returned: the position says how far the read got
                position = consumer.position(partition, timeout);
            }
            return new Answer(List.copyOf(kept), truncated, scanned);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout.toMillis() + " ms", e);
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> out = new java.util.HashMap<>();
        for (var header : record.headers()) {
            if (header.value() != null) {
                out.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
