package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.tributary.testsupport.RequiredTools;

/**
 * {@code ./tributary up} as a user runs it, for the launcher's end-to-end tests: started with a data
 * directory that does not exist yet, its output in a file, stopped with a signal, with what a test
 * asks of the running platform. The platform binds its fixed ports, so these tests run one at a time.
 */
final class UpRun implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();

    final Path data;
    private final Path output;
    private final Process process;

    private UpRun(Path data, Path output, Process process) {
        this.data = data;
        this.output = output;
        this.process = process;
    }

    /** {@code ./tributary up args…} with TRIBUTARY_DATA under {@code work}, the environment's own Kafka unset. */
    static UpRun start(Path work, Map<String, String> environment, String... args) throws IOException {
        Path data = work.resolve("data");
        Path output = work.resolve("up.out");
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("tributary").toString(), "up"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("TRIBUTARY_DATA", data.toString());
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        builder.environment().putAll(environment);
        return new UpRun(data, output, builder.start());
    }

    Process process() {
        return process;
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    void awaitLine(String line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = output();
            if (text.contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("tributary up exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + line + "' within " + timeout + ":\n" + output());
    }

    /**
     * Sends {@code signal} (INT as Ctrl-C does, TERM as {@code kill} does) and checks that up exits,
     * says so, and leaves none of {@code children} running.
     */
    void stopWith(String signal, List<ProcessHandle> children) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("tributary exits on SIG" + signal).isTrue();
        for (ProcessHandle child : children) {
            child.onExit().get(10, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("child " + child.pid() + " " + child.info().commandLine().orElse("")).isFalse();
        }
        assertThat(output()).contains("[tributary] stopped");
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The readiness answer of a service, polled until it is 200 or {@code patience} is over. */
    static HttpResponse<String> readiness(HttpClient http, Service service, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(service.readinessUrl())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 200 || System.nanoTime() > deadline) {
                return ready;
            }
            Thread.sleep(500);
        }
    }

    /**
     * One message on {@code filter} as Mosquitto's client receives it from the edge at {@code port}, logged in as
     * {@code user}; over TLS, verifying the edge against up's local CA, when {@code tls}.
     */
    String subscribeOnce(int port, boolean tls, String user, String password, String filter) throws Exception {
        List<String> command = new ArrayList<>(List.of(RequiredTools.path("mosquitto_sub")));
        if (tls) {
            command.addAll(List.of("--cafile", data.resolve("tls/ca.pem").toString()));
        }
        // -I: client id <user>-<pid>, a form the edge lets the user take (mosquitto_sub's own is mosq-…)
        command.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "-u", user, "-P", password,
                "-I", user + "-", "-t", filter, "-v", "-C", "1", "-W", "30"));
        Process sub = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(sub.waitFor(40, TimeUnit.SECONDS)).as("mosquitto_sub ends after one message").isTrue();
        return new String(sub.getInputStream().readAllBytes());
    }

    /** The first record of {@code vehicle}'s telemetry on the mirror topic of up's Kafka, or null within 30 s. */
    static ConsumerRecord<String, String> fleetTelemetryInKafka(String bootstrap, String vehicle) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "up-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tributary.fleet.raw"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (vehicle.equals(record.key()) && record.value().contains("\"speed\"")) {
                        return record;
                    }
                }
            }
        }
        return null;
    }
}
