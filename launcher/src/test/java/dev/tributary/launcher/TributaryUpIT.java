package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tributary.common.tls.CertificateAuthority;
import dev.tributary.testsupport.Browser;

/** Smoke test of the README's first command: {@code ./tributary up}, then Ctrl-C. */
class TributaryUpIT {

    @TempDir
    Path work;

    @Test
    void up_startsKafkaEveryServiceWithAuthAndTlsOn_andTheDashboardLoginShowsTheLiveFleetOverWss_andCtrlCLeavesNoProcessBehind() throws Exception {
        // the dashboard page speaks MQTT over WSS to the edge, with the certificate of up's local CA
        try (UpRun up = UpRun.start(work, Map.of("TRIBUTARY_DASHBOARD_MQTT_URL", "wss://{host}:9001/mqtt"))) {
            Path data = up.data;
            up.awaitLine("Tributary is up", Duration.ofMinutes(4));
            List<ProcessHandle> children = up.process().descendants().toList();
            assertThat(children).as("Kafka, four services and the fleet").hasSizeGreaterThanOrEqualTo(6);

            HttpClient http = HttpClient.newHttpClient();
            for (Service service : Service.platform(1)) {
                // the fleet starts right after the services: give a node a few seconds to settle
                HttpResponse<String> ready = UpRun.readiness(http, service, Duration.ofSeconds(20));
                assertThat(ready.statusCode()).as(service.name() + ": " + ready.body()).isEqualTo(200);
                assertThat(ready.body()).as(service.name()).contains("\"status\": \"UP\"");
            }
            assertThat(up.output()).contains("Kafka          127.0.0.1:9092", "http://127.0.0.1:8080");
            assertThat(data.resolve("kafka/kraft-logs/meta.properties")).as("Kafka data under TRIBUTARY_DATA").exists();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                    .as("the data directory is its owner's alone").isEqualTo("rwx------");
            ConsumerRecord<String, String> telemetry = UpRun.fleetTelemetryInKafka("127.0.0.1:9092", "v1");
            assertThat(telemetry).as("the simulated fleet's telemetry reached Kafka through the edge").isNotNull();
            assertThat(telemetry.value()).contains("\"vehicle\":\"v1\"");
            java.util.regex.Matcher login = java.util.regex.Pattern.compile("dashboard user (\\S+) / (\\S+)")
                    .matcher(up.output());
            assertThat(login.find()).as("up prints how to log in").isTrue();
            assertThat(up.output()).contains("mqtts://127.0.0.1:8883", "--cafile");
            assertThat(up.subscribeOnce(8883, true, login.group(1), login.group(2), "fleet/+/telemetry"))
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

            up.stopWith("INT", children);
        }
    }

    /** What {@code ./tributary kafka-tail tributary.fleet.raw} prints within a few seconds of new records. */
    private String kafkaTail() throws Exception {
        Path out = work.resolve("kafka-tail.out");
        Process tail = new ProcessBuilder(UpRun.ROOT.resolve("tributary").toString(), "kafka-tail", "tributary.fleet.raw")
                .directory(UpRun.ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
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
}
