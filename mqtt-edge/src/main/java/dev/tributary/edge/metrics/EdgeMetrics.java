package dev.tributary.edge.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The edge's Micrometer meters (Prometheus names {@code tributary_mqtt_*}). Counters that sit on
 * the publish path are created once here, so counting costs an increment, not a lookup; those
 * counted once per message are plain {@link LongAdder}s that the registry reads when scraped,
 * since an increment through Quarkus' composite registry costs several times more.
 */
public final class EdgeMetrics {

    private final MeterRegistry registry;
    private final LongAdder received;
    private final LongAdder sent;
    private final Counter connectionsAccepted;
    private final Counter droppedQueueFull;
    private final Counter droppedSlowConsumer;
    private final Counter droppedOffline;
    private final LimitLog limitLog = new LimitLog(TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    private final ConcurrentHashMap<String, Counter> limitCounters = new ConcurrentHashMap<>();

    public EdgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        received = perMessageCounter("tributary.mqtt.messages.received", "PUBLISH packets accepted from clients");
        sent = perMessageCounter("tributary.mqtt.messages.sent", "PUBLISH packets sent to clients");
        connectionsAccepted = Counter.builder("tributary.mqtt.connects").description("CONNECTs accepted").register(registry);
        droppedQueueFull = dropped("queue_full");
        droppedSlowConsumer = dropped("slow_consumer");
        droppedOffline = dropped("qos0_offline");
    }

    /**
     * A configured limit was reached ({@code limit} is its key under {@code tributary.edge.}, e.g.
     * {@code limits.max-queued-bytes}): counted in {@code tributary_limits_exceeded_total{limit}} and logged,
     * at most one line per limit every 10 s. {@code format} is formatted only when a line is written.
     */
    public void limitExceeded(String limit, String format, Object... args) {
        limitCounters.computeIfAbsent(limit, l -> Counter.builder("tributary.limits.exceeded").tag("limit", l)
                .description("times a configured limit was reached, by its key").register(registry)).increment();
        limitLog.reached(limit, format, args);
    }

    /** How often {@code limit} was reached (tests, $SYS). */
    public double limitExceededCount(String limit) {
        Counter counter = limitCounters.get(limit);
        return counter == null ? 0 : counter.count();
    }

    /** A counter incremented once per message or more: see the class comment. */
    public LongAdder perMessageCounter(String name, String description) {
        LongAdder count = new LongAdder();
        FunctionCounter.builder(name, count, LongAdder::sum).description(description).register(registry);
        return count;
    }

    private Counter dropped(String reason) {
        return Counter.builder("tributary.mqtt.messages.dropped").tag("reason", reason)
                .description("messages not delivered to a subscriber, by reason").register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void received() {
        received.increment();
    }

    public void sent() {
        sent.increment();
    }

    public void connectAccepted() {
        connectionsAccepted.increment();
    }

    public void droppedQueueFull() {
        droppedQueueFull.increment();
    }

    public void droppedSlowConsumer() {
        droppedSlowConsumer.increment();
    }

    public void droppedOffline() {
        droppedOffline.increment();
    }

    /** A message not delivered to one subscriber for another reason (expired, too large for the client). */
    public void droppedFor(String reason) {
        registry.counter("tributary.mqtt.messages.dropped", "reason", reason).increment();
    }

    /** An MQTT 5 negative acknowledgement or server DISCONNECT, by packet and reason code (hex, e.g. 0x87). */
    public void reasonCodeSent(String packet, int code) {
        registry.counter("tributary.mqtt.reason.codes", "packet", packet, "code", String.format("0x%02X", code)).increment();
    }

    public double receivedCount() {
        return received.sum();
    }

    public double sentCount() {
        return sent.sum();
    }

    /** A connection closed by the broker, by reason (protocol violation, timeout, limit, ...). */
    public void closed(String reason) {
        registry.counter("tributary.mqtt.disconnects", "reason", reason).increment();
    }

    /** A CONNECT refused, by CONNACK return code. */
    public void connectRefused(String code) {
        registry.counter("tributary.mqtt.connects.refused", "code", code).increment();
    }
}
