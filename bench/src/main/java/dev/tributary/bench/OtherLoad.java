package dev.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The share of this machine's CPU that processes other than the benchmark's own used while it ran: on a
 * development machine shared with other builds, a latency figure taken while they kept both cores busy
 * (load average 17 on 2 cores in one run) is not comparable with one taken on a quiet machine, and the host's
 * steal ({@link HostSteal}) does not show it.
 */
final class OtherLoad {

    private static final double TICKS_PER_SECOND = 100.0;

    private final long[] pids;
    private final long busyBefore;
    private final long totalBefore;
    private final double ownBefore;

    private OtherLoad(long[] pids) {
        this.pids = pids;
        long[] machine = machine();
        this.busyBefore = machine[0];
        this.totalBefore = machine[1];
        this.ownBefore = own();
    }

    /** Starts counting; {@code pids} are the benchmark's processes (this one is added). */
    static OtherLoad since(long... pids) {
        long[] all = Arrays.copyOf(pids, pids.length + 1);
        all[pids.length] = ProcessHandle.current().pid();
        return new OtherLoad(all);
    }

    /** Percent of the machine's CPU time (all cores) that other processes used since {@link #since}. */
    double percent() {
        long[] machine = machine();
        long total = machine[1] - totalBefore;
        if (total == 0) {
            return 0;
        }
        double others = (machine[0] - busyBefore) / TICKS_PER_SECOND - (own() - ownBefore);
        return Math.max(0, 100.0 * others * TICKS_PER_SECOND / total);
    }

    private double own() {
        return Arrays.stream(pids).mapToDouble(pid -> ProcessCpu.of(pid).totalSeconds()).sum();
    }

    /** {busy ticks (user, nice, system, irq, softirq), all ticks} of every core, from /proc/stat. */
    private static long[] machine() {
        try {
            // cpu  user nice system idle iowait irq softirq steal
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            long total = 0;
            for (int i = 1; i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] { busy, total };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
