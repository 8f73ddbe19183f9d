package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tributary up --edges 2}: two edge nodes on the documented ports, each with its node id,
 * each serving MQTT with authentication and TLS, the fleet spread over both; SIGTERM stops everything.
 * It binds up's fixed ports, as TributaryUpIT does; Failsafe runs the two one after the other.
 */
class TributaryEdgesIT {

    @TempDir
    Path work;

    @Test
    void upWithTwoEdges_printsEachEdgesAddresses_bothServeMqttAndHealth_andTheFleetIsSpreadOverThem() throws Exception {
        // two vehicles: v1 on edge-1, v2 on edge-2
        try (UpRun up = UpRun.start(work, Map.of("TRIBUTARY_FLEET_VEHICLES", "2"), "--edges", "2")) {
            up.awaitLine("Tributary is up", Duration.ofMinutes(3));
            List<ProcessHandle> children = up.process().descendants().toList();
            assertThat(children).as("Kafka, two edges, three services and the fleet").hasSizeGreaterThanOrEqualTo(7);

            assertThat(up.output()).contains(
                    "edge-1 MQTT    mqtt://127.0.0.1:1883", "edge-1 TLS     mqtts://127.0.0.1:8883",
                    "edge-1 WS      ws://127.0.0.1:9001/mqtt, wss://127.0.0.1:9001/mqtt",
                    "edge-1 HTTP    http://127.0.0.1:8081/q/health, http://127.0.0.1:8081/q/metrics",
                    "edge-2 MQTT    mqtt://127.0.0.1:1884", "edge-2 TLS     mqtts://127.0.0.1:8884",
                    "edge-2 WS      ws://127.0.0.1:9002/mqtt, wss://127.0.0.1:9002/mqtt",
                    "edge-2 HTTP    http://127.0.0.1:8091/q/health, http://127.0.0.1:8091/q/metrics",
                    "dashboard      http://127.0.0.1:8080");

            HttpClient http = HttpClient.newHttpClient();
            for (Service service : Service.platform(2)) {
                HttpResponse<String> ready = UpRun.readiness(http, service, Duration.ofSeconds(20));
                assertThat(ready.statusCode()).as(service.name() + ": " + ready.body()).isEqualTo(200);
            }
            assertThat(up.data.resolve("logs/mqtt-edge-1.log")).isNotEmptyFile();
            assertThat(up.data.resolve("logs/mqtt-edge-2.log")).isNotEmptyFile();

            Properties vehicles = new Properties();
            try (Reader in = Files.newBufferedReader(up.data.resolve("auth/fleet-credentials.properties"), StandardCharsets.UTF_8)) {
                vehicles.load(in);
            }
            // A subscriber receives what is published on its own edge: v1's telemetry on edge 1 and v2's on
            // edge 2 show each vehicle went to its edge, and each edge checks passwords and ACLs
            assertThat(up.subscribeOnce(1883, false, "v1", vehicles.getProperty("v1"), "fleet/v1/telemetry"))
                    .startsWith("fleet/v1/telemetry {");
            assertThat(up.subscribeOnce(1884, false, "v2", vehicles.getProperty("v2"), "fleet/v2/telemetry"))
                    .startsWith("fleet/v2/telemetry {");
            assertThat(up.subscribeOnce(8884, true, "v2", vehicles.getProperty("v2"), "fleet/v2/telemetry"))
                    .as("edge 2 serves TLS with the local CA's certificate").startsWith("fleet/v2/telemetry {");

            for (String vehicle : List.of("v1", "v2")) {
                ConsumerRecord<String, String> record = UpRun.fleetTelemetryInKafka("127.0.0.1:9092", vehicle);
                assertThat(record).as(vehicle + "'s telemetry in Kafka").isNotNull();
                assertThat(new String(record.headers().lastHeader("mqtt.node").value(), StandardCharsets.UTF_8))
                        .as("the node that accepted " + vehicle).isEqualTo(vehicle.equals("v1") ? "edge-1" : "edge-2");
            }

            up.stopWith("TERM", children);
        }
    }
}
