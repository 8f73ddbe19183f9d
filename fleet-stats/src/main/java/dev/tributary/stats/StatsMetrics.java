package dev.tributary.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The stats application's own metrics; Kafka Streams' (records consumed, lag, dropped late records,
 * …) are bound beside them as {@code kafka_stream_*}, {@code kafka_consumer_*} and {@code kafka_producer_*}.
 *
 * <ul>
 * <li>{@code tributary_stats_records_in_total}: curated telemetry records taken into a window</li>
 * <li>{@code tributary_stats_records_skipped_total{reason}}: curated records not used ({@code other-type}:
 * not telemetry; {@code invalid}: telemetry without a readable position or speed)</li>
 * <li>{@code tributary_stats_records_out_total}: stats records written (one per vehicle and window)</li>
 * </ul>
 * Records later than the grace are dropped by Kafka Streams and counted in
 * {@code kafka_stream_task_dropped_records_total}.
 */
public final class StatsMetrics {

    private final MeterRegistry registry;
    private final Counter in;
    private final Counter out;
    private final Map<String, Counter> skipped = new ConcurrentHashMap<>();

    public StatsMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.in = Counter.builder("tributary.stats.records.in").description("Curated telemetry records taken into a window")
                .register(registry);
        this.out = Counter.builder("tributary.stats.records.out").description("Stats records written").register(registry);
        skipped("other-type", 0);
        skipped("invalid", 0);
    }

    void in() {
        in.increment();
    }

    void out() {
        out.increment();
    }

    void skipped(String reason) {
        skipped(reason, 1);
    }

    private void skipped(String reason, double amount) {
        skipped.computeIfAbsent(reason, r -> Counter.builder("tributary.stats.records.skipped").tag("reason", r)
                .description("Curated records not used").register(registry)).increment(amount);
    }
}
