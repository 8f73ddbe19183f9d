package dev.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a process from /proc, with the share of its JIT compiler threads told apart: on
 * this 2-core machine a JVM's compiler is still busy half a minute into a load, and that one-time
 * cost is not a cost per message.
 */
record ProcessCpu(double totalSeconds, double jitSeconds) {

    private static final double TICKS_PER_SECOND = 100.0;

    static ProcessCpu of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        double jit = 0;
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            double total = ticks(proc.resolve("stat")) / TICKS_PER_SECOND;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        jit += ticks(task.resolve("stat")) / TICKS_PER_SECOND;
                    }
                } catch (NoSuchFileException threadEnded) {
                    // gone between listing and reading
                } catch (IOException e) {
                    // a thread that ends while its file is read fails the read with ESRCH ("No such process")
                    if (Files.exists(task)) {
                        throw e;
                    }
                }
            }
            return new ProcessCpu(total, jit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU seconds spent since {@code before}, without the JIT compiler's. */
    double workSecondsSince(ProcessCpu before) {
        return (totalSeconds - jitSeconds) - (before.totalSeconds - before.jitSeconds);
    }

    double jitSecondsSince(ProcessCpu before) {
        return jitSeconds - before.jitSeconds;
    }

    /** utime + stime of a /proc stat file. */
    private static long ticks(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
