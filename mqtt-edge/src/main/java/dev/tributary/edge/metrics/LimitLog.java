package dev.tributary.edge.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Log lines for limits that were reached, at most one per limit per interval: a flood that hits a limit a
 * million times a second must not become a million log lines. The first time a limit is reached it is
 * logged at once; later lines say how many times it was reached since the last line. Safe from any thread.
 */
final class LimitLog {

    private static final Logger LOG = Logger.getLogger("dev.tributary.edge.limits");

    private static final class State {
        final AtomicLong nextLineNanos;
        final LongAdder unlogged = new LongAdder();

        State(long now) {
            nextLineNanos = new AtomicLong(now);
        }
    }

    private final long intervalNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, State> byLimit = new ConcurrentHashMap<>();

    LimitLog(long intervalNanos, LongSupplier clock) {
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    /** Returns whether a line was written. {@code format} is formatted only when it is. */
    boolean reached(String limit, String format, Object... args) {
        long now = clock.getAsLong();
        State state = byLimit.computeIfAbsent(limit, l -> new State(now));
        long next = state.nextLineNanos.get();
        if (now - next < 0 || !state.nextLineNanos.compareAndSet(next, now + intervalNanos)) {
            state.unlogged.increment();
            return false;
        }
        long since = state.unlogged.sumThenReset();
        String detail = args.length == 0 ? format : String.format(format, args);
        if (since == 0) {
            LOG.warnf("limit %s reached: %s", limit, detail);
        } else {
            LOG.warnf("limit %s reached: %s (and %d more times since the last line)", limit, detail, since);
        }
        return true;
    }
}
