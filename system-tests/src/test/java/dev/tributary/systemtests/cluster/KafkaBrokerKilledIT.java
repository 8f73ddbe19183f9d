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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.kafkalocal.LocalKafkaCluster;
import dev.tributary.testsupport.EdgeCluster;
import dev.tributary.testsupport.ServiceProcess;

/**
 * Two packaged edges on a three-broker Kafka (replication 3, min ISR 2, the edges' topics created with
 * replication 3): one broker killed with SIGKILL while a QoS 1 stream crosses from one edge to the other
 * costs no acknowledged message, neither in Kafka nor at the subscriber, and both edges keep serving.
 */
@Disabled("a second cause not yet found: after the liveness fix it passed once and, in a later clean-clone run, every message"
        + " was acknowledged 14 s after the kill but the subscriber on the other edge had not got them all 90 s later, with"
        + " nothing logged by either edge; docs/cluster.md 'Known problems'")
class KafkaBrokerKilledIT {

    private static final int MESSAGES = 6_000;
    private static final int KILL_AT = 2_000;
    private static final String MIRROR = "tributary.mqtt.raw";
    /** Generous: the cluster takes the killed broker for dead after its session timeout, then elects new leaders. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static LocalKafkaCluster kafka;
    private static EdgeCluster edges;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafkaCluster.onFreePorts(Files.createTempDirectory("kafka-cluster"), 3, "384m");
        kafka.start();
        edges = EdgeCluster.builder(ServiceProcess.root(), Files.createTempDirectory("broker-killed"), kafka).edges(2).start();
    }

    @AfterAll
    static void stop() {
        if (edges != null) {
            edges.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void killingOneOfThreeKafkaBrokersUnderLoad_losesNoAcknowledgedMessage_andBothEdgesKeepServing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "load/" + run + "/data";
        Received subscriber = subscribed(edges.edge(2), "sub-" + run, "load/" + run + "/#", MqttQos.AT_LEAST_ONCE);
        // both edges' clients have wills: an edge taking the other for dead would publish them
        String wills = "load/" + run + "/will";
        Mqtt3AsyncClient publisher = connectedWithWill(edges.edge(1), "pub-" + run, wills, "pub gone");
        Mqtt3AsyncClient witness = connectedWithWill(edges.edge(2), "witness-" + run, wills, "witness gone");
        untilRouted(publisher, "load/" + run + "/probe", List.of(subscriber));

        // the broker that leads the interest topic, where the edges' heartbeats are: no heartbeat can be read until
        // Kafka has moved its leadership, which takes longer than the node timeout, and no edge may take another
        // for dead meanwhile (it would stop routing to it and publish its clients' wills)
        int victim = leaderOf("tributary.cluster.interest");
        int inboxLeader = leaderOf("tributary.cluster.node." + edges.edge(2).nodeId());
        QosOneStream stream = new QosOneStream(topic, 100);
        stream.send(publisher, IntStream.range(0, KILL_AT).boxed().toList());
        long killed = System.nanoTime();
        kafka.broker(victim).kill();
        stream.send(publisher, IntStream.range(KILL_AT, MESSAGES).boxed().toList());
        await().alias("every message acknowledged").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> stream.acked().size() == MESSAGES);
        System.out.printf("Kafka broker killed: %d QoS 1 messages acknowledged %d ms after broker %d (leading the interest topic%s)"
                + " was killed with SIGKILL%n", MESSAGES, (System.nanoTime() - killed) / 1_000_000, victim,
                victim == inboxLeader ? " and the subscriber edge's inbox" : "");
        assertThat(publisher.getState().isConnected()).as("the publisher's connection survived").isTrue();

        List<Integer> all = IntStream.range(0, MESSAGES).boxed().toList();
        await().alias(subscriber + " got every message").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> new HashSet<>(subscriber.numbers(topic)).size() == MESSAGES);
        List<Integer> got = subscriber.numbers(topic);
        assertThat(got).as("every PUBACKed message crossed to the other edge").containsAll(all);
        // [MQTT-4.6.0-5] in the order published
        assertThat(Received.firstArrivals(got)).as("in order").isEqualTo(all);
        System.out.printf("Kafka broker killed: the subscriber on the other edge got %d messages, %d of them twice%n", got.size(),
                Received.duplicates(got).size());

        List<Integer> mirrored = stream.inMirror(kafka.bootstrapServers(), MIRROR);
        assertThat(mirrored).as("every PUBACKed message is in Kafka's mirror topic").containsAll(all);
        assertThat(Received.duplicates(mirrored)).as("once: the edge's producer is idempotent").isEmpty();

        assertThat(subscriber.on(wills)).as("no will of a client still connected: neither edge took the other for dead")
                .isEmpty();
        assertThat(witness.getState().isConnected()).isTrue();

        // the edges keep serving: CONNECT, SUBSCRIBE and a QoS 1 PUBLISH from edge 2 to edge 1 with one broker down
        Received after = subscribed(edges.edge(1), "after-sub-" + run, "load/" + run + "/after", MqttQos.AT_LEAST_ONCE);
        Mqtt3AsyncClient afterPublisher = connected(edges.edge(2), "after-pub-" + run);
        untilRouted(afterPublisher, "load/" + run + "/after", List.of(after));
        afterPublisher.disconnect().join();
        after.disconnect();
        publisher.disconnect().join();
        witness.disconnect().join();
        subscriber.disconnect();
    }

    /** The node (counted from 1, as {@link LocalKafkaCluster#broker}) that leads partition 0 of {@code topic}. */
    private static int leaderOf(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().get(0)
                    .leader().id();
        }
    }
}
