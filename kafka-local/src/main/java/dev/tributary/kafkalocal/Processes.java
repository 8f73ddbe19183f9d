package dev.tributary.kafkalocal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way Tributary stops a child process: SIGTERM, so it can shut down cleanly (Kafka's
 * controlled shutdown, a service flushing to Kafka, vehicles saying goodbye), then SIGKILL if it
 * has not ended within its grace period.
 *
 * <p>It lives in kafka-local because this is the lowest module that runs child processes and the
 * one every runner of processes already depends on: the launcher ({@code ./tributary up}),
 * test-support's process harnesses and, through test-support, the benchmarks and the system tests.
 * {@code common} would be the other candidate, but it holds the formats the services share, and
 * the services have no child processes to stop.
 */
public final class Processes {

    /** How long a process has to disappear after SIGKILL before we stop waiting for it. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private Processes() {
    }

    /** SIGTERM (or again, if already sent), wait up to {@code grace}, then SIGKILL. Returns once it has ended. */
    public static void stop(Process process, Duration grace) {
        stop(process.toHandle(), grace);
    }

    /** As {@link #stop(Process, Duration)}, for any process this JVM may signal. */
    public static void stop(ProcessHandle process, Duration grace) {
        stopAll(List.of(process), grace);
    }

    /**
     * SIGTERM to all of them at once, so they shut down side by side, then for each: wait until
     * {@code grace} after the signal, SIGKILL what is still alive.
     */
    public static void stopAll(Collection<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : processes) {
            if (!awaitExit(process, Math.max(0, deadline - System.nanoTime()))) {
                process.destroyForcibly();
                awaitExit(process, KILL_WAIT.toNanos());
            }
        }
    }

    /** SIGKILL at once, as a crash would, and wait until it has ended. */
    public static void kill(Process process) {
        process.destroyForcibly();
        awaitExit(process.toHandle(), KILL_WAIT.toNanos());
    }

    private static boolean awaitExit(ProcessHandle process, long nanos) {
        try {
            process.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            // asked to hurry: what is still alive is killed
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
