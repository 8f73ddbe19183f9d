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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tributary.common.tls.CertificateAuthority;
import dev.tributary.testsupport.Browser;
import dev.tributary.testsupport.RequiredTools;

/** Smoke test of the README's first command: {@code ./tributary up}, then Ctrl-C. */
class TributaryUpIT {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();

    @TempDir
    Path work;

    /** TRIBUTARY_DATA: a directory that does not exist yet, as on a first start. */
    private Path data;

    @Test
    void up_startsKafkaEveryServiceWithAuthAndTlsOn_andTheDashboardLoginShowsTheLiveFleetOverWss_andCtrlCLeavesNoProcessBehind() throws Exception {
        data = work.resolve("data");
        Path output = work.resolve("up.out");
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("tributary").toString(), "up")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("TRIBUTARY_DATA", data.toString());
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        // the dashboard page speaks MQTT over WSS to the edge, with the certificate of up's local CA
        builder.environment().put("TRIBUTARY_DASHBOARD_MQTT_URL", "wss://{host}:9001/mqtt");
        Process up = builder.start();
        try {
            awaitLine(up, output, "Tributary is up", Duration.ofMinutes(4));
            List<ProcessHandle> children = up.descendants().toList();
            assertThat(children).as("Kafka, four services and the fleet").hasSizeGreaterThanOrEqualTo(6);

            HttpClient http = HttpClient.newHttpClient();
            for (Service service : Service.platform(1)) {
                // the fleet starts right after the services: give a node a few seconds to settle
                HttpResponse<String> ready = readiness(http, service, Duration.ofSeconds(20));
                assertThat(ready.statusCode()).as(service.name() + ": " + ready.body()).isEqualTo(200);
                assertThat(ready.body()).as(service.name()).contains("\"status\": \"UP\"");
            }
            assertThat(Files.readString(output)).contains("Kafka          127.0.0.1:9092", "http://127.0.0.1:8080");
            assertThat(data.resolve("kafka/kraft-logs/meta.properties")).as("Kafka data under TRIBUTARY_DATA").exists();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                    .as("the data directory is its owner's alone").isEqualTo("rwx------");
            assertThat(fleetTelemetryInKafka()).as("the simulated fleet's telemetry reached Kafka through the edge")
                    .contains("\"vehicle\":\"v1\"");
            java.util.regex.Matcher login = java.util.regex.Pattern.compile("dashboard user (\\S+) / (\\S+)")
                    .matcher(Files.readString(output));
            assertThat(login.find()).as("up prints how to log in").isTrue();
            assertThat(Files.readString(output)).contains("mqtts://127.0.0.1:8883", "--cafile");
            assertThat(telemetryOverTls(login.group(1), login.group(2)))
                    .as("mosquitto_sub trusts the local CA under TRIBUTARY_DATA/tls and reads the fleet over TLS on 8883")
                    .contains("\"vehicle\"");
            assertThat(kafkaTail()).as("./tributary kafka-tail prints the mirror's records with their headers")
                    .contains("mqtt.topic=fleet/", "mqtt.client_id=");
            try (Browser browser = new Browser(Browser.trusting(CertificateAuthority.readCertificate(data.resolve("tls/edge.pem"))))) {
                browser.open("http://127.0.0.1:8080");
                browser.awaitUpTo(Duration.ofSeconds(10), () -> browser.find("#login").isDisplayed());
                browser.find("#login-user").sendKeys(login.group(1));
                browser.find("#login-password").sendKeys("not-" + login.group(2));
                browser.click("#login-submit");
                browser.awaitUpTo(Duration.ofSeconds(10), () -> browser.text("#login-error").contains("wrong"));
                browser.find("#login-password").sendKeys(login.group(2));
                browser.click("#login-submit");
                browser.awaitUpTo(Duration.ofSeconds(15), () -> browser.text("#connection-state").equals("connected"));
                assertThat(browser.script("return document.getElementById('connection-state').title"))
                        .as("the page's MQTT connection").asString().startsWith("wss://127.0.0.1:9001/mqtt");
                browser.awaitUpTo(Duration.ofSeconds(30), () -> browser.script(
                        "return document.querySelectorAll('#fleet-table tbody td.status.online').length").equals(10L));
                String position = browser.text("tr[data-vehicle='v1'] td.position");
                browser.awaitUpTo(Duration.ofSeconds(15),
                        () -> !browser.text("tr[data-vehicle='v1'] td.position").equals(position));
                browser.screenshot("tributary-up");
            }

            new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
            assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("tributary exits on Ctrl-C").isTrue();
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
                assertThat(child.isAlive()).as("child " + child.pid() + " " + child.info().commandLine().orElse("")).isFalse();
            }
            assertThat(Files.readString(output)).contains("[tributary] stopped");
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    /** One telemetry message as Mosquitto's client receives it over TLS, verifying the edge against the local CA. */
    private String telemetryOverTls(String user, String password) throws Exception {
        Process sub = new ProcessBuilder(RequiredTools.path("mosquitto_sub"), "--cafile", data.resolve("tls/ca.pem").toString(),
                "-h", "127.0.0.1", "-p", "8883", "-u", user, "-P", password,
                // -I: client id <user>-<pid>, a form the edge lets the user take (mosquitto_sub's own is mosq-…)
                "-I", user + "-", "-t", "fleet/+/telemetry", "-C", "1", "-W", "30")
                .redirectErrorStream(true).start();
        assertThat(sub.waitFor(40, TimeUnit.SECONDS)).as("mosquitto_sub ends after one message").isTrue();
        return new String(sub.getInputStream().readAllBytes());
    }

    /** What {@code ./tributary kafka-tail tributary.fleet.raw} prints within a few seconds of new records. */
    private String kafkaTail() throws Exception {
        Path out = work.resolve("kafka-tail.out");
        Process tail = new ProcessBuilder(ROOT.resolve("tributary").toString(), "kafka-tail", "tributary.fleet.raw")
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !Files.readString(out).contains("mqtt.client_id=")) {
                Thread.sleep(300);
            }
        } finally {
            tail.destroy();
            tail.waitFor(10, TimeUnit.SECONDS);
        }
        return Files.readString(out);
    }

    /** The readiness answer, polled until it is 200 or {@code patience} is over. */
    private static HttpResponse<String> readiness(HttpClient http, Service service, Duration patience) throws Exception {
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

    /** One telemetry record from the fleet, read from the mirror topic of the local Kafka. */
    private static String fleetTelemetryInKafka() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                ConsumerConfig.GROUP_ID_CONFIG, "up-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tributary.fleet.raw"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if ("v1".equals(record.key()) && record.value().contains("\"speed\"")) {
                        return record.value();
                    }
                }
            }
        }
        return "";
    }

    private static void awaitLine(Process process, Path output, String line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(output);
            if (text.contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("tributary up exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + line + "' within " + timeout + ":\n" + Files.readString(output));
    }
}
