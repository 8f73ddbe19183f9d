package dev.tributary.edge.mirror;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.kafka.PropertyHeaders;
import dev.tributary.edge.mqtt.ReasonCode;
import dev.tributary.common.log.Untrusted;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import dev.tributary.edge.protocol.PublishListener;

/**
 * The uplink: every accepted PUBLISH that a mapping rule matches becomes a Kafka record. A QoS 1/2
 * message's stage completes only when Kafka acknowledged the record (acks=all, idempotent
 * producer), so the client's PUBACK means "in Kafka". While Kafka is unreachable or hangs the
 * producer retries without end (no delivery timeout): nothing acknowledged is ever given up, and
 * clients are held back by their own in-flight windows. QoS 0 is best effort: a bounded number
 * waits for Kafka, the rest are dropped and counted.
 *
 * <p>Records go straight to the producer from the connection's thread when it can take them at
 * once ({@code max.block.ms=0}). When it cannot (no metadata yet, Kafka unreachable, buffer full)
 * the record, and every later one until the backlog is gone, waits in a queue that one thread
 * hands over in acceptance order: a connection's event loop never blocks, and records of one key
 * keep their order.
 *
 * <p>What waits for Kafka is bounded in bytes ({@code mirror.max-pending-bytes}, counted as the edge holds
 * the messages; the producer's serialized copies are bounded apart by its {@code buffer.memory}). When the
 * bound is reached, QoS 0 messages are dropped and counted, and {@link #isFull()} holds back the publishers
 * of QoS 1/2: their connections stop being read, so they get no PUBACK until Kafka catches up.
 */
public final class KafkaMirror implements PublishListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaMirror.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    // header values that repeat on every record, encoded once (Kafka never modifies header values)
    private static final byte[][] QOS = { utf8("0"), utf8("1"), utf8("2") };
    private static final byte[] TRUE = utf8("true");
    private static final byte[] FALSE = utf8("false");

    /** What the mirror needs from configuration. */
    public record Settings(String nodeId, int maxQos0Pending, long unavailableAfterMillis, long maxPendingBytes) {

        public static final long DEFAULT_MAX_PENDING_BYTES = 64L * 1024 * 1024;

        public Settings(String nodeId, int maxQos0Pending, long unavailableAfterMillis) {
            this(nodeId, maxQos0Pending, unavailableAfterMillis, DEFAULT_MAX_PENDING_BYTES);
        }
    }

    private final MappingRules rules;
    private final Producer<byte[], byte[]> producer;
    private final Settings settings;
    private final byte[] nodeId;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    /** Records in the queue or being handed over by the sender thread: while any, nothing overtakes them. */
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicInteger qos0Pending = new AtomicInteger();
    /** Footprint of every record handed on and not yet acknowledged: what {@code max-pending-bytes} bounds. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** The last acknowledgement, or when records started waiting after none were: the age readiness judges. */
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private final LongAdder sent;
    private final Counter failed;
    private final Counter droppedQos0;
    private final Counter droppedQos0Bytes;
    private final EdgeMetrics metrics;
    private final Counter sendRetries;
    private final Thread sender;
    private final KafkaClientMetrics producerMetrics;
    private volatile boolean running = true;

    public KafkaMirror(MappingRules rules, Producer<byte[], byte[]> producer, Settings settings, MeterRegistry registry,
            EdgeMetrics metrics) {
        this.rules = rules;
        this.producer = producer;
        this.settings = settings;
        this.metrics = metrics;
        this.nodeId = settings.nodeId().getBytes(StandardCharsets.UTF_8);
        this.sent = metrics.perMessageCounter("tributary.mirror.records.sent", "records Kafka acknowledged");
        this.failed = Counter.builder("tributary.mirror.records.failed")
                .description("records Kafka refused for good (too large, not authorized, ...)").register(registry);
        this.droppedQos0 = Counter.builder("tributary.mirror.records.dropped").tag("reason", "qos0_buffer_full")
                .description("QoS 0 messages not mirrored because too many were waiting for Kafka").register(registry);
        this.droppedQos0Bytes = Counter.builder("tributary.mirror.records.dropped").tag("reason", "pending_bytes_full")
                .description("QoS 0 messages not mirrored because too many were waiting for Kafka").register(registry);
        this.sendRetries = Counter.builder("tributary.mirror.send.retries")
                .description("hand-overs to the producer retried because Kafka was unreachable").register(registry);
        metrics.gauge("tributary.mirror.records.pending", "records handed on and not yet acknowledged by Kafka", pending::get);
        metrics.gauge("tributary.mirror.pending.bytes", "bytes of the records handed on and not yet acknowledged by Kafka",
                pendingBytes::get);
        // the producer's own figures (kafka_producer_*: batch sizes, request latency, retries) for operators
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        this.sender = new Thread(this::sendLoop, "kafka-mirror-sender");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** The producer settings the guarantee rests on; {@code overrides} (kafka.* and the mirror's own) come first. */
    public static Producer<byte[], byte[]> producer(Map<String, Object> overrides) {
        // send() must never block a connection's thread: when it cannot take a record at once, the
        // record goes to the backlog instead
        return producer(overrides, 0);
    }

    /**
     * The same guarantee for a producer used from a thread of its own, whose send() may wait up to
     * {@code maxBlockMs} for buffer space or a topic's metadata (and keeps the order of records that way).
     */
    public static Producer<byte[], byte[]> producer(Map<String, Object> overrides, long maxBlockMs) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // never give up on a record: a timeout would turn "not yet in Kafka" into "lost"
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tributary-edge-mirror");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public CompletionStage<Void> accepted(Message message) {
        MappingRule rule = rules.ruleFor(message.topic());
        if (rule == null) {
            return DONE;
        }
        long bytes = Footprint.of(message);
        if (message.qos() == 0) {
            if (pendingBytes.get() + bytes > settings.maxPendingBytes()) {
                droppedQos0Bytes.increment();
                metrics.limitExceeded("mirror.max-pending-bytes", "QoS 0 message on %s not mirrored: %d bytes wait for Kafka",
                        message.topic(), pendingBytes.get());
                return DONE;
            }
            if (qos0Pending.incrementAndGet() > settings.maxQos0Pending()) {
                qos0Pending.decrementAndGet();
                droppedQos0.increment();
                metrics.limitExceeded("mirror.max-qos0-pending", "QoS 0 message on %s not mirrored: %d QoS 0 messages wait for Kafka",
                        message.topic(), settings.maxQos0Pending());
                return DONE;
            }
            startPending(bytes);
            submit(new Pending(record(rule, message), null, bytes));
            return DONE;
        }
        // QoS 1/2 are taken even beyond the bound (they were read already); isFull() holds their senders back
        CompletableFuture<Void> done = new CompletableFuture<>();
        startPending(bytes);
        submit(new Pending(record(rule, message), done, bytes));
        return done;
    }

    @Override
    public boolean isFull() {
        return pendingBytes.get() >= settings.maxPendingBytes();
    }

    public long pendingBytes() {
        return pendingBytes.get();
    }

    private void startPending(long bytes) {
        pendingBytes.addAndGet(bytes);
        if (pending.incrementAndGet() == 1) {
            // nothing was waiting: the clock for "no progress" starts now, not at the last ack
            lastProgressNanos.set(System.nanoTime());
        }
    }

    private void submit(Pending p) {
        if (backlog.get() == 0 && tryHandOver(p)) {
            return;
        }
        backlog.incrementAndGet();
        queue.add(p);
    }

    /** Hands the record to the producer if it takes it at once; false when it must wait in the backlog. */
    private boolean tryHandOver(Pending p) {
        p.returned = false;
        p.refusedAtOnce = false;
        try {
            producer.send(p.record, p);
        } catch (RetriableException e) {
            return false;
        } catch (RuntimeException e) {
            completed(p, e);
            return true;
        } finally {
            p.returned = true;
        }
        return !p.refusedAtOnce;
    }

    /**
     * One record on its way to Kafka, and the producer's callback for it. The producer reports
     * "cannot take it now" (no metadata within max.block.ms=0, buffer full) by calling back at
     * once, inside send(), with a retriable error: that is a hand-over to retry, never a verdict
     * on the record.
     */
    private final class Pending implements Callback {
        final ProducerRecord<byte[], byte[]> record;
        /** Completed when Kafka has the record; null for QoS 0, which nobody waits for. */
        final CompletableFuture<Void> done;
        final long bytes;
        /** Set around each hand-over attempt by the thread making it. */
        volatile boolean returned;
        boolean refusedAtOnce;

        Pending(ProducerRecord<byte[], byte[]> record, CompletableFuture<Void> done, long bytes) {
            this.record = record;
            this.done = done;
            this.bytes = bytes;
        }

        boolean qos0() {
            return done == null;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error instanceof RetriableException) {
                if (!returned) {
                    refusedAtOnce = true;
                    return;
                }
                // with no delivery timeout the producer retries by itself; should it still give
                // up with a retriable error, the record goes back rather than being lost
                LOG.debugf("retrying a record for %s after %s", record.topic(), error);
                backlog.incrementAndGet();
                queue.add(this);
                return;
            }
            completed(this, error);
        }
    }

    private ProducerRecord<byte[], byte[]> record(MappingRule rule, Message message) {
        String key = rule.key(message.topic(), message.clientId());
        RecordHeaders headers = new RecordHeaders();
        headers.add(MirrorHeaders.TOPIC, utf8(message.topic()));
        headers.add(MirrorHeaders.QOS, QOS[message.qos()]);
        headers.add(MirrorHeaders.RETAIN, message.retain() ? TRUE : FALSE);
        if (message.clientId() != null) {
            headers.add(MirrorHeaders.CLIENT_ID, utf8(message.clientId()));
        }
        if (message.username() != null) {
            headers.add(MirrorHeaders.USERNAME, utf8(message.username()));
        }
        headers.add(MirrorHeaders.NODE, nodeId);
        PropertyHeaders.add(headers, message.properties());
        return new ProducerRecord<>(rule.kafkaTopic(), null, message.acceptedAtMillis(),
                key == null ? null : utf8(key), message.payload(), headers);
    }

    /**
     * Why Kafka refused a record for good, as the MQTT 5 reason code an MQTT 5 publisher gets in its PUBACK or
     * PUBREC: 0x87 when the edge may not write the topic, 0x97 for a quota or a record larger than Kafka takes,
     * else 0x80.
     */
    static int reasonCode(Exception error) {
        if (error instanceof AuthorizationException) {
            return ReasonCode.NOT_AUTHORIZED;
        }
        if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof ThrottlingQuotaExceededException) {
            return ReasonCode.QUOTA_EXCEEDED;
        }
        return ReasonCode.UNSPECIFIED_ERROR;
    }

    private void sendLoop() {
        while (running) {
            Pending next;
            try {
                next = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next != null) {
                handOver(next);
                backlog.decrementAndGet();
            }
        }
    }

    /** Gives the record to the producer, retrying while it cannot take it (no metadata, buffer full). */
    private void handOver(Pending p) {
        while (running && !tryHandOver(p)) {
            // Kafka unreachable or the producer's buffer full: keep the record and its place
            sendRetries.increment();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void completed(Pending p, Exception error) {
        pending.decrementAndGet();
        pendingBytes.addAndGet(-p.bytes);
        if (p.qos0()) {
            qos0Pending.decrementAndGet();
        }
        if (error == null) {
            lastProgressNanos.set(System.nanoTime());
            sent.increment();
            if (p.done != null) {
                p.done.complete(null);
            }
            return;
        }
        failed.increment();
        LOG.warnf("Kafka refused a record for %s (MQTT topic %s): %s", p.record.topic(),
                Untrusted.quote(new String(p.record.headers().lastHeader(MirrorHeaders.TOPIC).value(), StandardCharsets.UTF_8)),
                error.toString());
        if (p.done != null) {
            p.done.completeExceptionally(new PublishListener.Refused(reasonCode(error), error.toString(), error));
        }
    }

    /** False while records wait for Kafka and none was acknowledged for a while: Kafka is down or hanging. */
    public boolean isHealthy() {
        return pending.get() == 0
                || System.nanoTime() - lastProgressNanos.get() < TimeUnit.MILLISECONDS.toNanos(settings.unavailableAfterMillis());
    }

    public int pendingCount() {
        return pending.get();
    }

    /** Stops taking records and waits (bounded) for what was handed over, so shutdown loses no acknowledged data. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        sender.interrupt();
        producer.close(java.time.Duration.ofSeconds(10));
        producerMetrics.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
