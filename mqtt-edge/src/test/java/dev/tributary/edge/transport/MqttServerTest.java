package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.Message;
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
    private Broker broker;
    private EdgeMetrics metrics;
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
        this.broker = broker;
        this.metrics = metrics;
        server = start(1);
    }

    private MqttServer start(int ioThreads) throws InterruptedException {
        MqttServer started = new MqttServer(broker, metrics, new MqttServer.Settings("127.0.0.1", 0, ioThreads, 4096, 64, 2,
                65536, MqttServer.WebSocket.OFF, MqttServer.Tls.OFF));
        started.start();
        return started;
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

    @Test
    void deliveriesToASubscriberOnAnotherIoThread_allArrive_inOrder() throws Exception {
        // one I/O thread is the default on a 2-core machine; on bigger ones most deliveries are handed
        // over to the subscriber's thread, which is the path taken here: Netty gives accepted
        // channels to its threads in turn, so the two clients land on different threads
        server.stop();
        server = start(2);
        Mqtt3BlockingClient subscriber = client("subscriber");
        Mqtt3BlockingClient publisher = client("publisher");
        subscriber.connect();
        publisher.connect();
        try (Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("hop/#").qos(MqttQos.AT_LEAST_ONCE).send();
            int count = 500;
            // published while the subscriber reads: its client acknowledges what the test has taken,
            // and the session's window (16) and queue (100) would otherwise drop the rest, as configured
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < count; i++) {
                    publisher.publishWith().topic("hop/test").qos(MqttQos.AT_LEAST_ONCE)
                            .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
                }
            });
            List<Integer> received = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Optional<Mqtt3Publish> next = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(next).as("delivery %d of %d", i, count).isPresent();
                received.add(Integer.parseInt(new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8)));
            }
            publishing.get(5, TimeUnit.SECONDS);
            // [MQTT-4.6.0-6]: every topic is an ordered topic
            assertThat(received).isEqualTo(IntStream.range(0, count).boxed().toList());
        } finally {
            subscriber.disconnect();
            publisher.disconnect();
        }
    }

    private Mqtt3BlockingClient client(String id) {
        return MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1").serverPort(server.port())
                .buildBlocking();
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
