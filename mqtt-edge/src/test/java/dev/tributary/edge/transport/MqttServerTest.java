package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.Message;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The listener on its own (no Quarkus), with limits small enough to hit. */
class MqttServerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Message> mirrored = new CopyOnWriteArrayList<>();
    private MqttServer server;

    @BeforeEach
    void start() throws Exception {
        EdgeMetrics metrics = new EdgeMetrics(registry);
        TopicTree tree = new TopicTree();
        Broker broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 16, 100), tree,
                new InMemoryRetainedStore(), m -> {
                    mirrored.add(m);
                    return CompletableFuture.completedFuture(null);
                }, new AllowAll(), new AllowAll(), metrics, new ProtocolLimits(TopicLimits.SPEC, 64, true, Duration.ofSeconds(5)));
        server = new MqttServer(broker, metrics,
                new MqttServer.Settings("127.0.0.1", 0, 1, 4096, 64, 2, 65536, MqttServer.WebSocket.OFF, MqttServer.Tls.OFF));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void connectionBeyondTheLimit_isClosedAtOnce_andTheOthersKeepWorking() throws Exception {
        try (RawMqttSocket one = new RawMqttSocket(server.port()); RawMqttSocket two = new RawMqttSocket(server.port())) {
            one.connect("one", 60, null, null);
            assertThat(one.connackCode()).isZero();
            two.connect("two", 60, null, null);
            assertThat(two.connackCode()).isZero();
            try (RawMqttSocket three = new RawMqttSocket(server.port())) {
                assertThat(three.closedWithin(Duration.ofSeconds(3))).isTrue();
            }
            one.send(0xC0, 0x00); // PINGREQ
            assertThat(one.closedWithin(Duration.ofMillis(300))).as("the others stay connected").isFalse();
        }
        assertThat(registry.counter("tributary.mqtt.disconnects", "reason", "max_connections").count()).isEqualTo(1);
    }

    @Test
    void gracefulShutdown_stopsAccepting_closesClients_andPublishesTheirWills() throws Exception {
        int port = server.port();
        try (RawMqttSocket device = new RawMqttSocket(port)) {
            device.connect("device", 60, "status/device", "offline");
            assertThat(device.connackCode()).isZero();
            server.stop();
            assertThat(device.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
        assertThat(mirrored).extracting(Message::topic).containsExactly("status/device");
        assertThat(canConnect(port)).isFalse();
    }

    private static boolean canConnect(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (Exception other) {
            return false;
        }
    }
}
