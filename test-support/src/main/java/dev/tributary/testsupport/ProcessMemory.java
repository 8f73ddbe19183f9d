package dev.tributary.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The memory of a local process as the kernel and, for a JVM, the JVM itself report it: resident
 * memory from /proc/PID/status, live heap from a class histogram (which collects garbage first).
 * Benchmarks and hostile-input tests read the edge's memory through it.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resident memory in KiB (VmRSS), or -1 when the process is gone. */
    public static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1; // a zombie has no VmRSS
        } catch (NoSuchFileException gone) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the process runs (exists and is not a zombie). */
    public static boolean alive(long pid) {
        return rssKib(pid) >= 0;
    }

    /** Bytes of live objects on a JVM's heap: a class histogram forces a full collection first. */
    public static long liveHeapBytes(long pid) {
        String histogram = jcmd(pid, "GC.class_histogram");
        for (String line : histogram.split("\n")) {
            if (line.startsWith("Total")) {
                return Long.parseLong(line.trim().split("\\s+")[2]);
            }
        }
        throw new IllegalStateException("no heap total in:\n" + histogram);
    }

    /** Runs {@code jcmd PID command} (this JVM's jcmd) and returns what it printed. */
    public static String jcmd(long pid, String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
