package dev.tributary.edge.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Writes the records the nodes share (messages handed on, retained messages, subscriptions, heartbeats) on
 * one thread, in the order they were given: a connection's thread never waits for Kafka here. Bounded in
 * bytes: records are counted from when they are given until Kafka acknowledged them, and beyond the bound
 * a record that may be lost (QoS 0) is dropped and counted, while one that must arrive is still taken (the
 * publisher is not acknowledged before it arrives, which holds it back).
 */
public final class ClusterSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterSender.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** {@code offset}: completed with the offset of the (single) record, when asked for. */
    private record Batch(List<ProducerRecord<byte[], byte[]>> records, long bytes, CompletableFuture<Void> done,
            CompletableFuture<Long> offset) {
    }

    private final Producer<byte[], byte[]> producer;
    private final long maxBytes;
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final Counter dropped;
    private final Counter failed;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastDropLogNanos;

    public ClusterSender(Producer<byte[], byte[]> producer, long maxBytes, MeterRegistry registry) {
        this.producer = producer;
        this.maxBytes = maxBytes;
        this.dropped = Counter.builder("tributary.cluster.dropped").description("QoS 0 records for other nodes dropped: the backlog was full")
                .register(registry);
        this.failed = Counter.builder("tributary.cluster.send.failures").description("records Kafka refused for good")
                .register(registry);
        Gauge.builder("tributary.cluster.backlog.bytes", bytes, AtomicLong::get)
                .description("bytes of records for other nodes not yet acknowledged by Kafka").register(registry);
        this.thread = new Thread(this::run, "cluster-sender");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues {@code records} (written in this order); the stage completes when Kafka has them all.
     * @param mayDrop  whether the records may be dropped when the backlog is over its bound (QoS 0)
     */
    CompletionStage<Void> send(List<ProducerRecord<byte[], byte[]>> records, boolean mayDrop) {
        long size = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            size += 64 + (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        }
        if (bytes.addAndGet(size) > maxBytes && mayDrop) {
            bytes.addAndGet(-size);
            dropped.increment(records.size());
            logDrop();
            return DONE;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Batch(records, size, done, null));
        return done;
    }

    /** Queues one record that must arrive; the stage completes with its offset when Kafka has it. */
    CompletionStage<Long> sendForOffset(ProducerRecord<byte[], byte[]> record) {
        long size = 64 + (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        bytes.addAndGet(size);
        CompletableFuture<Long> offset = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        done.whenComplete((ok, error) -> {
            if (error != null) {
                offset.completeExceptionally(error);
            }
        });
        queue.add(new Batch(List.of(record), size, done, offset));
        return offset;
    }

    private synchronized void logDrop() {
        long now = System.nanoTime();
        if (now - lastDropLogNanos > TimeUnit.SECONDS.toNanos(10)) {
            lastDropLogNanos = now;
            LOG.warnf("records for other nodes wait for Kafka beyond %d bytes: QoS 0 messages to other nodes are dropped"
                    + " (metric tributary.cluster.dropped)", maxBytes);
        }
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            Batch batch;
            try {
                batch = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (batch != null) {
                write(batch);
            }
        }
    }

    private void write(Batch batch) {
        AtomicInteger left = new AtomicInteger(batch.records().size());
        for (ProducerRecord<byte[], byte[]> record : batch.records()) {
            sendInOrder(record, (metadata, error) -> {
                if (error != null) {
                    failed.increment();
                    LOG.warnf("Kafka refused a record for %s: %s", record.topic(), error.getMessage());
                    if (batch.done().completeExceptionally(error)) {
                        bytes.addAndGet(-batch.bytes());
                    }
                } else {
                    if (batch.offset() != null) {
                        batch.offset().complete(metadata.offset());
                    }
                    if (left.decrementAndGet() == 0 && batch.done().complete(null)) {
                        bytes.addAndGet(-batch.bytes());
                    }
                }
            });
        }
    }

    /** The producer waits (on this thread) for buffer space and the topic's metadata, so records keep their order. */
    private void sendInOrder(ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
        try {
            producer.send(record, callback);
        } catch (KafkaException e) {
            callback.onCompletion(null, e); // closed while waiting
        }
    }

    /** Waits for what is queued to be written and acknowledged (a clean stop), at most {@code timeout}. */
    void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        producer.flush();
    }

    @Override
    public void close() {
        flush(Duration.ofSeconds(5));
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
