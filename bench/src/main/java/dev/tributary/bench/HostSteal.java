package dev.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The share of this machine's CPU time the hypervisor gave to someone else (vmstat's "st"), from
 * /proc/stat. On the shared development VM it went from 1 % to 50 % within minutes, and runs taken
 * while it was high cost twice the CPU per message; printed next to the figures, it tells such a
 * run apart.
 */
record HostSteal(long stealTicks, long totalTicks) {

    static HostSteal now() {
        try {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            return new HostSteal(Long.parseLong(fields[8]), total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Percent of the machine's CPU time stolen since {@code before}. */
    double percentSince(HostSteal before) {
        long total = totalTicks - before.totalTicks;
        return total == 0 ? 0 : 100.0 * (stealTicks - before.stealTicks) / total;
    }
}
