package dev.tributary.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;

/** The fleet simulator, run as {@code ./tributary fleet} runs it, against the real, packaged mqtt-edge. */
class FleetSimulatorIT {

    private static Path work;
    private static EdgeProcess edge;

    @BeforeAll
    static void startEdge() throws Exception {
        work = Files.createTempDirectory("fleet-it");
        edge = EdgeProcess.start(ServiceProcess.root(), work);
    }

    /** The simulator as its own process, publishing to the edge. */
    private static ServiceProcess simulator(String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(edge.port())));
        args.addAll(List.of(options));
        return ServiceProcess.start("fleet", ServiceProcess.javaMain(ServiceProcess.root(), "fleet", List.of("-Xmx256m"),
                "dev.tributary.fleet.sim.FleetSimulator", args), work.resolve("fleet.log"), ServiceProcess.Readiness.NONE);
    }

    @AfterAll
    static void stopEdge() {
        edge.close();
    }

    @Test
    void vehiclesPublishTelemetry_announceThemselves_andAcknowledgeCommands() throws Exception {
        ServiceProcess fleet = simulator("--vehicles", "3", "--interval", "0.2", "--prefix", "t");
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

            fleet.close(); // SIGTERM: the vehicles say goodbye
            observer.unsubscribeWith().topicFilter("fleet/t1/telemetry").send();
            assertThat(text(nextOn(publishes, "fleet/t1/status"))).isEqualTo("{\"online\":false}");
        } finally {
            fleet.close();
            observer.disconnect();
        }
    }

    @Test
    void killedSimulator_isReportedOfflineByTheVehiclesWill() throws Exception {
        String prefix = "k" + UUID.randomUUID().toString().substring(0, 4) + "-";
        ServiceProcess simulator = simulator("--vehicles", "1", "--prefix", prefix);
        Mqtt3BlockingClient observer = observer();
        try (Mqtt3Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith().topicFilter("fleet/" + prefix + "1/status").qos(MqttQos.AT_LEAST_ONCE).send();
            String status = text(next(publishes));
            while (!status.contains("\"online\":true")) {
                status = text(next(publishes));
            }
            simulator.kill(); // SIGKILL: no goodbye
            assertThat(text(next(publishes))).isEqualTo("{\"online\":false}");
        } finally {
            simulator.close();
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
