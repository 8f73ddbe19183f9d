package dev.tributary.bench;

import java.util.concurrent.locks.LockSupport;

/** Fixed-rate sending and percentiles, shared by the latency loads of both benchmarks. */
final class Pacing {

    private Pacing() {
    }

    /** Parks until message {@code i} of a run that started at {@code startNanos} is due at {@code rate} per second. */
    static void awaitSlot(long startNanos, int rate, int i) {
        long wait = startNanos + i * (1_000_000_000L / rate) - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The {@code p} quantile (0..1) of sorted values, NaN when there are none. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
