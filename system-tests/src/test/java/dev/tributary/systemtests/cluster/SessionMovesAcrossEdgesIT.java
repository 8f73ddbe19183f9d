package dev.tributary.systemtests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.testsupport.EdgeCluster;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * A persistent session (clean session 0) moves between two packaged edges through Kafka: what was queued for it
 * while it was offline, from publishers on either edge, and what was in flight when it moved, reaches it on the
 * other edge, once (QoS 2) or at least once (QoS 1), in each publisher's order.
 */
class SessionMovesAcrossEdgesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EdgeCluster edges;

    @BeforeAll
    static void start() throws Exception {
        edges = EdgeCluster.builder(ServiceProcess.root(), Files.createTempDirectory("sessions-move"),
                SharedKafka.get().bootstrapServers()).edges(2).start();
    }

    @AfterAll
    static void stop() {
        if (edges != null) {
            edges.close();
        }
    }

    static Mqtt3AsyncClient persistent(EdgeProcess edge, String clientId, List<Mqtt3ConnAck> connAcks) throws Exception {
        Mqtt3AsyncClient client = ClusterClients.client(edge, clientId);
        connAcks.add(client.connectWith().cleanSession(false).keepAlive(30).send().get(30, TimeUnit.SECONDS));
        return client;
    }

    static List<Integer> numbers(List<Received.Message> messages, String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).map(m -> Integer.valueOf(m.payload())).toList();
    }

    static List<Integer> upTo(int count) {
        return IntStream.range(0, count).boxed().toList();
    }

    /** Publishes {@code count} numbered messages on {@code topic} at {@code qos}, 50 unacknowledged at a time. */
    static void publish(Mqtt3AsyncClient publisher, String topic, MqttQos qos, int count) throws Exception {
        List<CompletableFuture<?>> window = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            window.add(publisher.publishWith().topic(topic).qos(qos).payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send());
            if (window.size() == 50) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    @Test
    void aSessionQueuedOnBothEdgesWhileOffline_connectingToTheOtherEdge_getsEveryMessageOnceInOrder() throws Exception {
        EdgeProcess a = edges.edge(1);
        EdgeProcess b = edges.edge(2);
        double offlineBefore = offlineEverywhere();
        List<Mqtt3ConnAck> connAcks = new ArrayList<>();
        Mqtt3AsyncClient first = persistent(a, "mover", connAcks);
        assertThat(connAcks.get(0).isSessionPresent()).as("a new session [MQTT-3.2.2-3]").isFalse();
        first.subscribeWith().topicFilter("moves/q1/+").qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
        first.subscribeWith().topicFilter("moves/q2/+").qos(MqttQos.EXACTLY_ONCE).send().get(30, TimeUnit.SECONDS);
        first.disconnect().get(30, TimeUnit.SECONDS);

        Mqtt3AsyncClient onA = ClusterClients.connected(a, "publisher-a");
        Mqtt3AsyncClient onB = ClusterClients.connected(b, "publisher-b");
        awaitOfflineEverywhere(offlineBefore + 1);
        int each = 250;
        CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> publishBoth(onA, "a", each));
        CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> publishBoth(onB, "b", each));
        CompletableFuture.allOf(fromA, fromB).get(120, TimeUnit.SECONDS);

        Received received = new Received("mover on " + b.nodeId());
        Mqtt3AsyncClient second = ClusterClients.client(b, "mover");
        second.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, received::add);
        Mqtt3ConnAck ack = second.connectWith().cleanSession(false).send().get(30, TimeUnit.SECONDS);
        assertThat(ack.isSessionPresent()).as("session present [MQTT-3.2.2-2]").isTrue();
        received.awaitAtLeast(4 * each, WAIT);
        Thread.sleep(500); // a duplicate would arrive right behind
        List<Received.Message> all = received.all();
        for (String edge : List.of("a", "b")) {
            assertThat(numbers(all, "moves/q2/" + edge)).as("QoS 2 from %s: once each, in order [MQTT-4.6.0-5]", edge)
                    .isEqualTo(upTo(each));
            assertThat(numbers(all, "moves/q1/" + edge)).as("QoS 1 from %s: none lost, in order", edge).isEqualTo(upTo(each));
        }
        assertThat(all).filteredOn(m -> m.topic().startsWith("moves/q2/")).allMatch(m -> m.qos() == MqttQos.EXACTLY_ONCE);
        second.disconnect().get(30, TimeUnit.SECONDS);
        onA.disconnect();
        onB.disconnect();
        endSession(b, "mover");
    }

    @Test
    void aSessionWithMessagesInFlight_movingToTheOtherEdge_getsThoseAndTheQueuedOnesThere() throws Exception {
        EdgeProcess a = edges.edge(1);
        EdgeProcess b = edges.edge(2);
        List<Mqtt3ConnAck> connAcks = new ArrayList<>();
        Mqtt3AsyncClient first = persistent(a, "in-flight", connAcks);
        List<Mqtt3Publish> unacknowledged = new ArrayList<>();
        // the first connection takes messages and never acknowledges them: they stay in flight on edge A
        first.subscribeWith().topicFilter("flight/q1").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> {
                    synchronized (unacknowledged) {
                        unacknowledged.add(p);
                    }
                }).manualAcknowledgement(true).send().get(30, TimeUnit.SECONDS);
        first.subscribeWith().topicFilter("flight/q2").qos(MqttQos.EXACTLY_ONCE)
                .callback(p -> {
                    synchronized (unacknowledged) {
                        unacknowledged.add(p);
                    }
                }).manualAcknowledgement(true).send().get(30, TimeUnit.SECONDS);
        Mqtt3AsyncClient publisher = ClusterClients.connected(a, "flight-publisher");
        int count = 300;
        publish(publisher, "flight/q1", MqttQos.AT_LEAST_ONCE, count);
        publish(publisher, "flight/q2", MqttQos.EXACTLY_ONCE, count);
        Awaitility.await().atMost(WAIT).until(() -> {
            synchronized (unacknowledged) {
                return !unacknowledged.isEmpty();
            }
        });

        // the client connects to edge B without closing its connection on A: a takeover across edges [MQTT-3.1.4-2]
        Received received = new Received("in-flight on " + b.nodeId());
        Mqtt3AsyncClient second = ClusterClients.client(b, "in-flight");
        second.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, received::add);
        Mqtt3ConnAck ack = second.connectWith().cleanSession(false).send().get(30, TimeUnit.SECONDS);
        assertThat(ack.isSessionPresent()).as("session present [MQTT-3.2.2-2]").isTrue();
        received.awaitAtLeast("flight/q1", count, WAIT);
        received.awaitAtLeast("flight/q2", count, WAIT);
        Thread.sleep(500);
        List<Received.Message> all = received.all();
        assertThat(numbers(all, "flight/q2")).as("QoS 2: once each, in order").isEqualTo(upTo(count));
        assertThat(numbers(all, "flight/q1")).as("QoS 1: none lost, in order").isEqualTo(upTo(count));
        second.disconnect().get(30, TimeUnit.SECONDS);
        publisher.disconnect();
        endSession(a, "in-flight");
    }

    private static void publishBoth(Mqtt3AsyncClient publisher, String edge, int count) {
        try {
            publish(publisher, "moves/q1/" + edge, MqttQos.AT_LEAST_ONCE, count);
            publish(publisher, "moves/q2/" + edge, MqttQos.EXACTLY_ONCE, count);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes the session: a clean session 1 CONNECT [MQTT-3.1.2-6]. */
    static void endSession(EdgeProcess edge, String clientId) throws Exception {
        Mqtt3AsyncClient client = ClusterClients.client(edge, clientId);
        client.connectWith().cleanSession(true).send().get(30, TimeUnit.SECONDS);
        client.disconnect().get(30, TimeUnit.SECONDS);
    }

    /** Offline sessions, once every edge counts the same. */
    static double offlineEverywhere() {
        double[] count = new double[1];
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Double> counts = edges.edges().stream().map(e -> e.metric("tributary_sessions_offline", "")).distinct().toList();
            count[0] = counts.get(0);
            return counts.size() == 1;
        });
        return count[0];
    }

    /** Waits until every edge has read that {@code count} sessions or more are offline. */
    static void awaitOfflineEverywhere(double count) {
        for (EdgeProcess edge : edges.edges()) {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> edge.metric("tributary_sessions_offline", "") >= count);
        }
    }
}
