package dev.tributary.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads partition 0 of a topic from its end, as an edge reads its inbox (assigned, no group, the consumer
 * defaults unless {@code config} says otherwise), and times each record whose value starts with a stream
 * index and the {@link System#nanoTime} it was sent at (the latency streams' payload): how long after
 * sending it could be read from Kafka.
 */
final class TimedKafkaReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final long[] latencies;
    private final AtomicInteger received = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    TimedKafkaReader(Map<String, Object> config, String topic, int expected) {
        Map<String, Object> consumerConfig = new java.util.HashMap<>(config);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "bench-timed-reader");
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.latencies = new long[expected];
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // the end, before anything of the stream is sent
        this.thread = new Thread(this::read, "timed-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        while (running && received.get() < latencies.length) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                long now = System.nanoTime();
                ByteBuffer payload = ByteBuffer.wrap(r.value());
                int index = payload.getInt();
                if (index >= 0 && index < latencies.length) {
                    latencies[index] = now - payload.getLong();
                    received.incrementAndGet();
                }
            }
        }
    }

    /** Waits up to {@code timeout} for all expected records, then stops reading. */
    void await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        running = false;
        thread.join();
    }

    int received() {
        return received.get();
    }

    /** The times of records {@code from} on (the first second is left out, as the MQTT stream's), sorted. */
    long[] sortedFrom(int from) {
        return Arrays.stream(latencies, Math.min(from, latencies.length), latencies.length).filter(l -> l > 0).sorted().toArray();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        consumer.close();
    }
}
