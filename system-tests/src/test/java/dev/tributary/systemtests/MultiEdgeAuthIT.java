package dev.tributary.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;

import dev.tributary.testsupport.AuthServiceProcess;
import dev.tributary.testsupport.EdgeCluster;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Revocation reaches every edge: two packaged edges replicate one auth topic written by the packaged
 * auth-service, and disabling a device, revoking its tokens or deleting it closes its connections on both.
 * Each edge decides from its own replica; nothing calls an edge.
 */
class MultiEdgeAuthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH_TOPIC = "tributary.auth.multi-edge";
    /** What is asserted: generous for a loaded 2-core machine; the figure printed is what matters. */
    private static final Duration AT_MOST = Duration.ofSeconds(3);

    private static AuthServiceProcess authService;
    private static EdgeCluster edges;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("multi-edge-auth");
        String kafka = SharedKafka.get().bootstrapServers();
        authService = AuthServiceProcess.start(ServiceProcess.root(), work, kafka, AUTH_TOPIC, Map.of());
        http = authService.http();
        assertThat(http.admin("PUT", "/api/acl", """
                [{"who":"any","topicFilter":"fleet/${username}/#","action":"both","allow":true}]""").statusCode()).isEqualTo(200);
        edges = EdgeCluster.builder(ServiceProcess.root(), work, kafka).edges(2).authFrom(AUTH_TOPIC).start();
    }

    @AfterAll
    static void stop() {
        if (edges != null) {
            edges.close();
        }
        if (authService != null) {
            authService.close();
        }
    }

    /** A live connection of {@code user} on {@code edge} that records when it is closed. */
    private record Connected(Mqtt3BlockingClient client, AtomicLong closedAt, String edge) {
    }

    private static Connected connect(EdgeProcess edge, String clientId, String user, String secret) {
        AtomicLong closedAt = new AtomicLong();
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(edge.port()).addDisconnectedListener(context -> closedAt.compareAndSet(0, System.nanoTime()))
                .buildBlocking();
        // the edge's replica sees a new principal within a second; retry until it has
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            closedAt.set(0);
            client.connectWith().simpleAuth().username(user).password(secret.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            return true;
        });
        return new Connected(client, closedAt, "edge " + (edges.edges().indexOf(edge) + 1));
    }

    /** The device's connection on each edge. */
    private static List<Connected> onEveryEdge(String user, String secret) {
        List<Connected> connections = new ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
            connections.add(connect(edges.edges().get(i), user + "-" + i, user, secret));
        }
        return connections;
    }

    /** Waits until every connection is closed; prints how long each took after {@code changedAt}. */
    private static void allClosed(List<Connected> connections, long changedAt, String what) {
        for (Connected c : connections) {
            await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).alias(what + " closes the device on " + c.edge())
                    .until(() -> c.closedAt().get() != 0);
        }
        for (Connected c : connections) {
            long ms = (c.closedAt().get() - changedAt) / 1_000_000;
            System.out.printf("multi-edge auth: %s closed the device's connection on %s %d ms after the REST call was made%n",
                    what, c.edge(), ms);
        }
    }

    private static String createDevice(String name) throws Exception {
        var created = http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("password").asText();
    }

    private static void ok(String method, String path, String body) {
        var response = http.admin(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 204);
    }

    @Test
    void disablingADevice_closesItsConnectionsOnEveryEdge() throws Exception {
        String device = "multi-off-" + UUID.randomUUID().toString().substring(0, 6);
        List<Connected> connections = onEveryEdge(device, createDevice(device));
        long called = System.nanoTime();
        ok("POST", "/api/principals/" + device + "/disable", null);
        allClosed(connections, called, "disable");
    }

    @Test
    void revokingADevicesTokens_closesTheConnectionsThatUsedThemOnEveryEdge() throws Exception {
        String device = "multi-tok-" + UUID.randomUUID().toString().substring(0, 6);
        String password = createDevice(device);
        var issued = http.anonymous("POST", "/api/tokens", "{\"username\":\"" + device + "\",\"password\":\"" + password + "\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = JSON.readTree(issued.body()).get("token").asText();
        // a token issued in the same second as the revocation is a separate case; here it is older
        Thread.sleep(1_100);
        List<Connected> connections = onEveryEdge(device, token);
        long called = System.nanoTime();
        ok("POST", "/api/principals/" + device + "/revoke-tokens", null);
        allClosed(connections, called, "revoke-tokens");
    }

    @Test
    void deletingADevice_closesItsConnectionsOnEveryEdge() throws Exception {
        String device = "multi-del-" + UUID.randomUUID().toString().substring(0, 6);
        List<Connected> connections = onEveryEdge(device, createDevice(device));
        long called = System.nanoTime();
        ok("DELETE", "/api/principals/" + device, null);
        allClosed(connections, called, "delete");
    }
}
