package dev.tributary.systemtests.cluster;

import static dev.tributary.systemtests.cluster.ClusterClients.connected;
import static dev.tributary.systemtests.cluster.ClusterClients.connectedWithWill;
import static dev.tributary.systemtests.cluster.ClusterClients.subscribed;
import static dev.tributary.systemtests.cluster.ClusterClients.untilRouted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.testsupport.EdgeCluster;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * An edge killed with SIGKILL in the middle of a QoS 1 stream loses nothing it acknowledged: three packaged
 * edges on the shared Kafka, a publisher on edge A, subscribers on edges B and C; A dies after about 3,000
 * of 10,000 messages, the publisher connects to B with the same client id and sends what A did not
 * acknowledge, and the survivors publish the will it set on A.
 */
class EdgeKilledMidStreamIT {

    private static final int MESSAGES = 10_000;
    private static final int KILL_AT = 3_000;
    /** The mirror's topic for these edges alone (no mapping rule matches the test's topics). */
    private static final String MIRROR = "tributary.mqtt.raw.killed-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EdgeCluster edges;

    @BeforeAll
    static void start() throws Exception {
        edges = EdgeCluster.builder(ServiceProcess.root(), Files.createTempDirectory("edge-killed"), SharedKafka.get().bootstrapServers())
                .edges(3).settings(Map.of("TRIBUTARY_EDGE_MIRROR_DEFAULT_TOPIC", MIRROR)).start();
    }

    @AfterAll
    static void stop() {
        if (edges != null) {
            edges.close();
        }
    }

    @Test
    void anEdgeKilledMidStream_losesNoPubackedMessage_thePublisherGoesOnOnAnotherEdge_andItsWillIsPublished() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "stream/" + run + "/data";
        String willTopic = "stream/" + run + "/will";
        Received onB = subscribed(edges.edge(2), "sub-b-" + run, "stream/" + run + "/#", MqttQos.AT_LEAST_ONCE);
        Received onC = subscribed(edges.edge(3), "sub-c-" + run, "stream/" + run + "/#", MqttQos.AT_LEAST_ONCE);
        List<Received> subscribers = List.of(onB, onC);
        Mqtt3AsyncClient publisherOnA = connectedWithWill(edges.edge(1), "pub-" + run, willTopic, "publisher lost");
        untilRouted(publisherOnA, "stream/" + run + "/probe", subscribers);
        // B and C read the publisher's connection record, with its will, long before the kill (tens of ms; the
        // stream takes seconds)

        QosOneStream stream = new QosOneStream(topic, 100);
        stream.send(publisherOnA, IntStream.range(0, KILL_AT).boxed().toList());
        long killed = System.nanoTime();
        edges.kill(1);
        await().alias("the publisher notices that edge A is gone").atMost(WAIT).until(() -> !publisherOnA.getState().isConnected());
        // every PUBACK edge A sent has been read: what A acknowledged is final
        Set<Integer> ackedByA = stream.acked();
        System.out.printf("edge killed mid-stream: %d messages sent to edge A, %d acknowledged before the kill%n", KILL_AT,
                ackedByA.size());
        assertThat(ackedByA).as("the kill came mid-stream, after A had acknowledged some").isNotEmpty().hasSizeLessThan(MESSAGES);

        // the publisher connects to B with the same client id and sends, in order, everything A did not acknowledge:
        // what QoS 1 asks of it, so messages A had written to Kafka but not acknowledged arrive twice
        Mqtt3AsyncClient publisherOnB = connected(edges.edge(2), "pub-" + run);
        List<Integer> rest = IntStream.range(0, MESSAGES).filter(n -> !ackedByA.contains(n)).boxed().toList();
        stream.send(publisherOnB, rest);
        await().alias("every message acknowledged").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> stream.acked().size() == MESSAGES);
        Set<Integer> notAckedByA = new HashSet<>(rest);
        List<Integer> all = IntStream.range(0, MESSAGES).boxed().toList();

        for (Received subscriber : subscribers) {
            await().alias(subscriber + " got every message").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> new HashSet<>(subscriber.numbers(topic)).size() == MESSAGES);
            List<Integer> got = subscriber.numbers(topic);
            assertThat(got).as(subscriber + ": every PUBACKed message, on A or on B").containsAll(all);
            assertThat(Received.duplicates(got)).as(subscriber + ": twice only what A had not acknowledged (sent again on B)")
                    .allMatch(notAckedByA::contains);
            // [MQTT-4.6.0-5] what A acknowledged arrives in the order published, and what B took after it
            assertThat(Received.firstArrivals(got).stream().filter(ackedByA::contains).toList()).as(subscriber + ": A's in order").isSorted();
            assertThat(Received.firstArrivals(got).stream().filter(n -> n >= KILL_AT).toList()).as(subscriber + ": B's in order").isSorted();
            System.out.printf("edge killed mid-stream: %s got %d messages, %d of them twice%n", subscriber, got.size(),
                    Received.duplicates(got).size());
        }

        List<Integer> mirrored = stream.inMirror(edges.bootstrapServers(), MIRROR);
        assertThat(mirrored).as("every PUBACKed message is in Kafka's mirror topic").containsAll(all);
        assertThat(Received.duplicates(mirrored)).as("in Kafka twice only what A had not acknowledged").allMatch(notAckedByA::contains);

        for (Received subscriber : subscribers) {
            subscriber.awaitAtLeast(willTopic, 1, Duration.ofSeconds(30));
        }
        Thread.sleep(1_000); // a will published twice would arrive now
        for (Received subscriber : subscribers) {
            // [MQTT-3.1.2-8] the connection on A ended without DISCONNECT: a surviving edge publishes its will, once
            assertThat(subscriber.on(willTopic)).as(subscriber + " got the will of the publisher's connection on A")
                    .singleElement().satisfies(m -> assertThat(m.payload()).isEqualTo("publisher lost"));
            System.out.printf("edge killed mid-stream: the will of the publisher's connection on A reached %s %d ms after the kill%n",
                    subscriber, (subscriber.on(willTopic).get(0).receivedAt() - killed) / 1_000_000);
        }
        publisherOnB.disconnect().join();
        subscribers.forEach(Received::disconnect);
    }
}
