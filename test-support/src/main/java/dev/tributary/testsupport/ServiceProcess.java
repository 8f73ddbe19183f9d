package dev.tributary.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tributary.kafkalocal.Processes;

/**
 * One part of Tributary run as its own process, as {@code ./tributary up} runs it: a packaged
 * Quarkus service ({@code <module>/target/quarkus-app/quarkus-run.jar}), the fleet simulator, or a
 * peer such as Mosquitto. The benchmarks and the system tests start what they measure or test with
 * it, so memory and CPU can be read from /proc and a process can be restarted or killed.
 *
 * <p>Output goes to a log file, appended, so a restart adds to the log instead of replacing it.
 * {@link #close()} stops the process with SIGTERM, then SIGKILL after a grace period.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** How a started process shows it is ready; checked every 100 ms until it says so. */
    @FunctionalInterface
    public interface Readiness {

        boolean ready();

        /** Ready at once: a client such as the fleet simulator, which serves nothing. */
        Readiness NONE = () -> true;

        /** Ready when it accepts TCP connections on 127.0.0.1:{@code port}. */
        static Readiness portOpen(int port) {
            return () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            };
        }

        /**
         * Ready when the service accepts TCP connections on {@code port} and the health check {@code check}
         * in the Quarkus readiness document at {@code readyUrl} is UP, whatever the others say (the
         * document answers 503 while any check is DOWN).
         */
        static Readiness portOpenAndCheckUp(int port, URI readyUrl, String check) {
            Readiness open = portOpen(port);
            return () -> {
                if (!open.ready()) {
                    return false;
                }
                try {
                    String body = HTTP.send(HttpRequest.newBuilder(readyUrl).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    for (com.fasterxml.jackson.databind.JsonNode c : JSON.readTree(body).path("checks")) {
                        if (check.equals(c.path("name").asText())) {
                            return "UP".equals(c.path("status").asText());
                        }
                    }
                    return false;
                } catch (IOException notYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            };
        }

        /** Ready when a GET of {@code url} answers 200, e.g. a Quarkus service's /q/health/ready. */
        static Readiness httpOk(URI url) {
            return () -> {
                try {
                    return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            };
        }
    }

    private final String name;
    private final ProcessBuilder command;
    private final Readiness readiness;
    private final Path log;
    private volatile Process process;

    private ServiceProcess(String name, ProcessBuilder command, Readiness readiness, Path log) {
        this.name = name;
        this.command = command;
        this.readiness = readiness;
        this.log = log;
    }

    /**
     * Starts {@code command} with its output appended to {@code log} and returns once
     * {@code readiness} says so; fails (and kills it) if it exits or is not ready in time.
     */
    public static ServiceProcess start(String name, ProcessBuilder command, Path log, Readiness readiness)
            throws IOException {
        command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        ServiceProcess started = new ServiceProcess(name, command, readiness, log);
        started.launch();
        return started;
    }

    /** The repository's root: {@code -Dtributary.root} (the build sets it), else the parent directory. */
    public static Path root() {
        return Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath().normalize();
    }

    /** {@code java <jvmOptions> -jar <module>/target/quarkus-app/quarkus-run.jar}; fails if it is not built. */
    public static ProcessBuilder quarkusApp(Path root, String module, List<String> jvmOptions) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./tributary build first");
        }
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return new ProcessBuilder(command);
    }

    /**
     * {@code java <jvmOptions> -cp <module>/target/classes:<module>/target/lib/* <mainClass> <args>}: a
     * plain Java module as the build leaves it (e.g. the fleet simulator); fails if it is not built.
     */
    public static ProcessBuilder javaMain(Path root, String module, List<String> jvmOptions, String mainClass,
            List<String> args) {
        Path target = root.resolve(module).resolve("target");
        if (!Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(target.resolve("lib") + " is missing: run ./tributary build first");
        }
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", target.resolve("classes") + File.pathSeparator + target.resolve("lib") + "/*",
                mainClass));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    private void launch() throws IOException {
        Process started = command.start();
        process = started;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IllegalStateException(name + " exited with " + started.exitValue() + "; see " + log);
            }
            if (readiness.ready()) {
                return;
            }
            sleep(100);
        }
        Processes.kill(started);
        throw new IllegalStateException(name + " was not ready within " + START_TIMEOUT + "; see " + log);
    }

    /** Stops the process and starts it again with the same command, as an operator's restart would. */
    public void restart() throws IOException {
        close();
        launch();
    }

    /**
     * Starts the stopped (or killed) process again with the same command and returns once it is ready:
     * the second half of a restart, for a test that stops several processes before starting any again.
     */
    public void startAgain() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() {
        Processes.kill(process);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, then SIGKILL if it has not ended within 15 s. */
    @Override
    public void close() {
        Process running = process;
        if (running != null) {
            Processes.stop(running, STOP_TIMEOUT);
        }
    }

    /** A TCP port free on the loopback interface now (for a child process to listen on). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
