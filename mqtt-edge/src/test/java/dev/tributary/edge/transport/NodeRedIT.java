package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.edge.EdgeNode;
import dev.tributary.edge.auth.AuthProfile;
import dev.tributary.testsupport.AuthTopicWriter;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.RequiredTools;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Node-RED, installed from the npm registry, runs the example flow shipped in {@code examples/node-red} headless
 * against the edge with authentication on: {@code mqtt in} → function → {@code mqtt out}, once over MQTT TCP and
 * once over MQTT over WebSocket, logged in with a user name and password.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
class NodeRedIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "node-red").toAbsolutePath().normalize();
    private static final String PASSWORD = "node-red-password";

    @Inject
    EdgeNode node;

    private static AuthTopicWriter authTopic;
    private static Process nodeRed;
    private static final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void users() throws Exception {
        authTopic = AuthTopicWriter.on(SharedKafka.get().bootstrapServers(), AuthProfile.TOPIC);
        String hash = PasswordHashes.hash(PASSWORD, 1000);
        authTopic.principal(new Principal("node-red", Kind.DEVICE, hash, List.of(), false, 0));
        authTopic.principal(new Principal("sensor-1", Kind.DEVICE, hash, List.of(), false, 0));
        authTopic.acl(List.of(
                new AclRule(Who.ANY, null, "sensors/#", Action.BOTH, true),
                new AclRule(Who.ANY, null, "sensors-ws/#", Action.BOTH, true)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeRed != null) {
            nodeRed.destroy();
            if (!nodeRed.waitFor(10, TimeUnit.SECONDS)) {
                nodeRed.destroyForcibly();
            }
        }
        authTopic.close();
    }

    @Test
    void theExampleFlow_convertsWhatADevicePublishes_overTcpAndOverWebSocket() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.authReplica().snapshot().principals().containsKey("node-red"));
        startNodeRed(node.server().port(), node.server().webSocketPort());
        await().alias("Node-RED connected to the edge twice").atMost(Duration.ofSeconds(60))
                .until(() -> log.stream().filter(l -> l.contains("Connected to broker")).count() == 2);

        Mqtt3BlockingClient sensor = MqttClient.builder().useMqttVersion3().identifier("sensor-1").serverHost("127.0.0.1")
                .serverPort(node.server().port()).buildBlocking();
        sensor.connectWith().simpleAuth().username("sensor-1").password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        try (Mqtt3Publishes results = sensor.publishes(MqttGlobalPublishFilter.ALL)) {
            sensor.subscribeWith().addSubscription().topicFilter("sensors/+/fahrenheit").qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription().addSubscription().topicFilter("sensors-ws/+/fahrenheit").qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription().send();
            sensor.publishWith().topic("sensors/s1/celsius").payload("21.5".getBytes()).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(text(results.receive(30, TimeUnit.SECONDS)))
                    .isEqualTo("sensors/s1/fahrenheit {\"sensor\":\"s1\",\"celsius\":21.5,\"fahrenheit\":70.7,\"via\":\"tcp\"}");
            sensor.publishWith().topic("sensors-ws/s2/celsius").payload("100".getBytes()).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(text(results.receive(30, TimeUnit.SECONDS)))
                    .isEqualTo("sensors-ws/s2/fahrenheit {\"sensor\":\"s2\",\"celsius\":100,\"fahrenheit\":212,\"via\":\"websocket\"}");
        }
        sensor.disconnect();
        assertThat(log).as("Node-RED logged no broker error").noneMatch(l -> l.contains("Connection failed"));
    }

    private static String text(Optional<Mqtt3Publish> publish) {
        assertThat(publish).as("Node-RED's answer arrived").isPresent();
        return publish.get().getTopic() + " " + new String(publish.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    /** The example's flow and settings in a fresh user directory, the credentials written as a deployment would. */
    private static void startNodeRed(int mqttPort, int webSocketPort) throws Exception {
        Path installed = install();
        Path userDir = Files.createDirectories(Path.of("target", "node-red-run").toAbsolutePath());
        for (String file : List.of("flows.json", "settings.js")) {
            Files.copy(EXAMPLE.resolve(file), userDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        String credentials = "{\"user\":\"node-red\",\"password\":\"" + PASSWORD + "\"}";
        Files.writeString(userDir.resolve("flows_cred.json"),
                "{\"broker-tcp\":" + credentials + ",\"broker-ws\":" + credentials + "}");
        ProcessBuilder builder = new ProcessBuilder(RequiredTools.path("node"),
                installed.resolve("node_modules/node-red/red.js").toString(), "--settings", "settings.js", "--userDir",
                userDir.toString(), "flows.json").directory(userDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "TRIBUTARY_MQTT_HOST", "127.0.0.1",
                "TRIBUTARY_MQTT_PORT", Integer.toString(mqttPort),
                "TRIBUTARY_MQTT_WS_URL", "ws://127.0.0.1:" + webSocketPort + "/mqtt",
                "NODE_RED_PORT", "0"));
        nodeRed = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(nodeRed.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null;) {
                    log.add(line);
                    System.out.println("node-red | " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "node-red-log");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Node-RED as the example's package-lock.json pins it, installed once into .cache/ at the repository's root and
     * reused by later runs (npm ci takes about a minute).
     */
    private static Path install() throws Exception {
        Path dir = EXAMPLE.getParent().getParent().resolve(".cache").resolve("node-red");
        Path lock = EXAMPLE.resolve("package-lock.json");
        Path installedLock = dir.resolve("package-lock.json");
        if (Files.isRegularFile(dir.resolve("node_modules/node-red/red.js")) && Files.isRegularFile(installedLock)
                && Files.mismatch(lock, installedLock) == -1) {
            return dir;
        }
        Files.createDirectories(dir);
        Files.copy(EXAMPLE.resolve("package.json"), dir.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
        Process npm = new ProcessBuilder(RequiredTools.path("npm"), "ci", "--no-audit", "--no-fund", "--omit=dev")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm ci of Node-RED finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci of Node-RED: " + out).isZero();
        return dir;
    }
}
