package dev.tributary.ingest.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Watches the transactional loop from outside: the loop names each step before it takes it (creating
 * topics, initializing its producer, polling, committing, …), and a step that lasts longer than
 * {@code tributary.ingest.stall-warning} is logged at WARN with the step, how long it has lasted and
 * where the loop's thread stands, then again every further such period while it lasts. A stuck
 * loop therefore says what it waits for, where it would otherwise be silent with its readiness DOWN.
 *
 * <ul>
 * <li>{@code tributary_ingest_step_seconds}: how long the loop has been in its current step</li>
 * <li>{@code tributary_ingest_stalls_total{step}}: steps that lasted longer than the warning threshold</li>
 * </ul>
 */
public final class LoopWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoopWatch.class);
    private static final int STACK_FRAMES = 15;

    private final Duration threshold;
    private final MeterRegistry registry;
    private final Map<String, Counter> stalls = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile Thread thread;
    private volatile String step = "starting";
    private volatile long since = System.nanoTime();
    private volatile long warned;

    public LoopWatch(Duration threshold, MeterRegistry registry) {
        this.threshold = threshold;
        this.registry = registry;
        Gauge.builder("tributary.ingest.step", this, w -> (System.nanoTime() - w.since) / 1e9).baseUnit("seconds")
                .description("How long the transactional loop has been in its current step").register(registry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-loop-watch");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.min(1_000, threshold.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** The loop's thread calls this before each step that can wait on Kafka. */
    void step(String name) {
        thread = Thread.currentThread();
        step = name;
        since = System.nanoTime();
        warned = 0;
    }

    /** How long the current step has lasted. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private void check() {
        String current = step;
        long started = since;
        long lasted = System.nanoTime() - started;
        // the first warning after one threshold, then one per further threshold: rate-limited by construction
        long periods = lasted / Math.max(1, threshold.toNanos());
        if (periods <= warned || started != since) {
            return;
        }
        warned = periods;
        if (periods == 1) {
            stalls.computeIfAbsent(current, s -> Counter.builder("tributary.ingest.stalls").tag("step", s)
                    .description("Steps of the transactional loop that lasted longer than tributary.ingest.stall-warning")
                    .register(registry)).increment();
        }
        LOG.warnf("ingest: still %s after %d s (warning after tributary.ingest.stall-warning=%s); the loop is at:%s", current,
                TimeUnit.NANOSECONDS.toSeconds(lasted), threshold, stackOf(thread));
    }

    private static String stackOf(Thread t) {
        if (t == null) {
            return " (not started)";
        }
        StringBuilder sb = new StringBuilder();
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(STACK_FRAMES, frames.length); i++) {
            sb.append("\n\tat ").append(frames[i]);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
