package dev.tributary.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.fleet.bench.BrokerProcess;

/** The simulator against the real, packaged mqtt-edge. */
class FleetSimulatorIT {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();
    private static BrokerProcess edge;

    @BeforeAll
    static void startEdge() throws Exception {
        edge = BrokerProcess.tributary(ROOT, Files.createTempDirectory("fleet-it"));
    }

    @AfterAll
    static void stopEdge() {
        edge.close();
    }

    @Test
    void vehiclesPublishTelemetry_announceThemselves_andAcknowledgeCommands() throws Exception {
        FleetSimulator fleet = new FleetSimulator(SimulatorOptions.parse(
                "--port", Integer.toString(edge.port()), "--vehicles", "3", "--interval", "0.2", "--prefix", "t"));
        fleet.start();
        Mqtt3BlockingClient observer = observer();
        try (Mqtt3Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith().topicFilter("fleet/+/status").qos(MqttQos.AT_LEAST_ONCE).send();
            Map<String, String> status = new HashMap<>();
            while (status.size() < 3) {
                Mqtt3Publish p = next(publishes);
                status.put(p.getTopic().toString(), text(p));
            }
            assertThat(status).containsOnlyKeys("fleet/t1/status", "fleet/t2/status", "fleet/t3/status");
            assertThat(status.values()).allMatch(s -> s.contains("\"online\":true"));

            observer.subscribeWith().topicFilter("fleet/t1/telemetry").qos(MqttQos.AT_LEAST_ONCE).send();
            String first = text(next(publishes));
            String second = text(next(publishes));
            assertThat(first).contains("\"vehicle\":\"t1\"", "\"lat\":", "\"lon\":", "\"speed\":", "\"heading\":",
                    "\"fuel\":", "\"engineTemp\":", "\"battery\":");
            assertThat(sequence(second)).isGreaterThan(sequence(first));

            observer.subscribeWith().topicFilter("fleet/t2/commands/ack").qos(MqttQos.AT_LEAST_ONCE).send();
            observer.publishWith().topic("fleet/t2/commands").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"cmd\":\"honk\"}".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt3Publish ack = nextOn(publishes, "fleet/t2/commands/ack");
            assertThat(text(ack)).contains("\"vehicle\":\"t2\"", "\"status\":\"done\"", "honk");

            fleet.close();
            observer.unsubscribeWith().topicFilter("fleet/t1/telemetry").send();
            assertThat(text(nextOn(publishes, "fleet/t1/status"))).isEqualTo("{\"online\":false}");
        } finally {
            observer.disconnect();
        }
    }

    @Test
    void killedSimulator_isReportedOfflineByTheVehiclesWill() throws Exception {
        String prefix = "k" + UUID.randomUUID().toString().substring(0, 4) + "-";
        Process simulator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ROOT.resolve("fleet/target/classes") + ":" + ROOT.resolve("fleet/target/lib") + "/*",
                FleetSimulator.class.getName(), "--port", Integer.toString(edge.port()), "--vehicles", "1",
                "--prefix", prefix).redirectErrorStream(true).start();
        Mqtt3BlockingClient observer = observer();
        try (Mqtt3Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith().topicFilter("fleet/" + prefix + "1/status").qos(MqttQos.AT_LEAST_ONCE).send();
            String status = text(next(publishes));
            while (!status.contains("\"online\":true")) {
                status = text(next(publishes));
            }
            simulator.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no goodbye
            assertThat(text(next(publishes))).isEqualTo("{\"online\":false}");
        } finally {
            simulator.destroyForcibly();
            observer.disconnect();
        }
    }

    private static Mqtt3BlockingClient observer() {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier("observer-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(edge.port()).buildBlocking();
        client.connect();
        return client;
    }

    private static Mqtt3Publish next(Mqtt3Publishes publishes) throws InterruptedException {
        Optional<Mqtt3Publish> p = publishes.receive(15, TimeUnit.SECONDS);
        assertThat(p).as("a message within 15 s").isPresent();
        return p.get();
    }

    private static Mqtt3Publish nextOn(Mqtt3Publishes publishes, String topic) throws InterruptedException {
        while (true) {
            Mqtt3Publish p = next(publishes);
            if (p.getTopic().toString().equals(topic)) {
                return p;
            }
        }
    }

    private static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static long sequence(String json) {
        Matcher m = Pattern.compile("\"seq\":(\\d+)").matcher(json);
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
