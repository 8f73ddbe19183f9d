package dev.tributary.ingest.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.tributary.ingest.envelope.DeadLetters.Reason;
import dev.tributary.ingest.rules.Rule;
import dev.tributary.ingest.rules.Rules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The connector's own metrics. Records count only once their transaction committed, so the figures
 * are those of the curated and dead-letter topics, however often a batch was retried.
 *
 * <ul>
 * <li>{@code tributary_ingest_records_in_total{rule}}: raw records taken by a rule ({@code none}: by no rule)</li>
 * <li>{@code tributary_ingest_records_out_total{rule}}: curated records written</li>
 * <li>{@code tributary_ingest_records_dead_total{rule,reason}}: dead letters written</li>
 * <li>{@code tributary_ingest_batch_seconds}: processing time of a batch, from poll to commit</li>
 * <li>{@code tributary_ingest_transactions_total{outcome}}: committed and aborted transactions</li>
 * <li>{@code tributary_ingest_consumer_lag_records{topic}}: records of the partitions this process
 * reads that it has not read yet (up to the last stable offset)</li>
 * </ul>
 */
public final class IngestMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> in = new ConcurrentHashMap<>();
    private final Map<String, Counter> out = new ConcurrentHashMap<>();
    private final Map<String, Counter> dead = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Timer batch;
    private final Counter committed;
    private final Counter aborted;

    public IngestMetrics(MeterRegistry registry, Rules rules) {
        this.registry = registry;
        this.batch = Timer.builder("tributary.ingest.batch").description("Processing time of a batch, from poll to commit")
                .publishPercentileHistogram().register(registry);
        this.committed = Counter.builder("tributary.ingest.transactions").tag("outcome", "committed").register(registry);
        this.aborted = Counter.builder("tributary.ingest.transactions").tag("outcome", "aborted").register(registry);
        // every rule's series from the start, so a dashboard shows 0 rather than nothing
        for (Rule rule : rules.all()) {
            in(rule.name());
            out(rule.name());
        }
        in(Curator.NO_RULE);
        for (String topic : rules.sourceTopics()) {
            AtomicLong value = new AtomicLong();
            lag.put(topic, value);
            Gauge.builder("tributary.ingest.consumer.lag", value, AtomicLong::get).tag("topic", topic).baseUnit("records")
                    .description("Records of this process's partitions not read yet").register(registry);
        }
    }

    /** A transaction committed with these outcomes, having taken {@code elapsed}. */
    void committed(Iterable<Curator.Outcome> outcomes, Duration elapsed) {
        for (Curator.Outcome o : outcomes) {
            in(o.rule()).increment();
            if (o.curated()) {
                out(o.rule()).increment();
            } else {
                dead(o.rule(), o.deadLetter()).increment();
            }
        }
        committed.increment();
        batch.record(elapsed);
    }

    void aborted() {
        aborted.increment();
    }

    void lag(String topic, long records) {
        AtomicLong value = lag.get(topic);
        if (value != null) {
            value.set(records);
        }
    }

    private Counter in(String rule) {
        return in.computeIfAbsent(rule, r -> Counter.builder("tributary.ingest.records.in").tag("rule", r)
                .description("Raw records taken by a rule").register(registry));
    }

    private Counter out(String rule) {
        return out.computeIfAbsent(rule, r -> Counter.builder("tributary.ingest.records.out").tag("rule", r)
                .description("Curated records written").register(registry));
    }

    private Counter dead(String rule, Reason reason) {
        return dead.computeIfAbsent(rule + "\u0000" + reason.label(), k -> Counter.builder("tributary.ingest.records.dead")
                .tag("rule", rule).tag("reason", reason.label()).description("Dead letters written").register(registry));
    }
}
