package dev.tributary.systemtests.cluster;

import static dev.tributary.systemtests.cluster.SessionMovesAcrossEdgesIT.numbers;
import static dev.tributary.systemtests.cluster.SessionMovesAcrossEdgesIT.publish;
import static dev.tributary.systemtests.cluster.SessionMovesAcrossEdgesIT.upTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.testsupport.EdgeCluster;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Persistent sessions live in Kafka, not in an edge: they survive every edge and Kafka being stopped and started
 * again, and the death (SIGKILL) of the edge their client was connected to.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionsSurviveIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalKafka kafka;
    private static EdgeCluster edges;

    @BeforeAll
    static void start() throws Exception {
        // a broker of its own: one test stops it
        kafka = SharedKafka.newPrivateBroker();
        kafka.start();
        edges = EdgeCluster.builder(ServiceProcess.root(), Files.createTempDirectory("sessions-survive"), kafka.bootstrapServers())
                .edges(2).start();
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

    private static Mqtt3AsyncClient subscribedPersistent(EdgeProcess edge, String clientId, String filter, MqttQos qos) throws Exception {
        Mqtt3AsyncClient client = ClusterClients.client(edge, clientId);
        client.connectWith().cleanSession(false).send().get(30, TimeUnit.SECONDS);
        client.subscribeWith().topicFilter(filter).qos(qos).send().get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Connects {@code clientId} again (clean session 0) to {@code edge}, recording what it is sent. */
    private static Received reconnect(EdgeProcess edge, String clientId) throws Exception {
        Received received = new Received(clientId + " on " + edge.nodeId());
        Mqtt3AsyncClient client = ClusterClients.client(edge, clientId);
        client.publishes(MqttGlobalPublishFilter.ALL, received::add);
        Mqtt3ConnAck ack = client.connectWith().cleanSession(false).send().get(30, TimeUnit.SECONDS);
        assertThat(ack.isSessionPresent()).as("%s: session present [MQTT-3.2.2-2]", clientId).isTrue();
        received.client(client);
        return received;
    }

    private static void awaitOffline(EdgeProcess edge, double count) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> edge.metric("tributary_sessions_offline", "") >= count);
    }

    @Test
    @Order(1)
    void stoppingEveryEdgeAndKafka_andStartingThemAgain_keepsSessionsAndWhatWasQueuedForThem() throws Exception {
        Mqtt3AsyncClient sleeper = subscribedPersistent(edges.edge(1), "sleeper", "survive/q1", MqttQos.AT_LEAST_ONCE);
        sleeper.subscribeWith().topicFilter("survive/q2").qos(MqttQos.EXACTLY_ONCE).send().get(30, TimeUnit.SECONDS);
        sleeper.disconnect().get(30, TimeUnit.SECONDS);
        // connected when everything stops: its edge hands its session to Kafka on SIGTERM
        subscribedPersistent(edges.edge(2), "awake", "survive/awake", MqttQos.AT_LEAST_ONCE);
        awaitOffline(edges.edge(2), 1);
        Mqtt3AsyncClient publisher = ClusterClients.connected(edges.edge(2), "survive-publisher");
        publish(publisher, "survive/q1", MqttQos.AT_LEAST_ONCE, 100);
        publish(publisher, "survive/q2", MqttQos.EXACTLY_ONCE, 100);
        publisher.disconnect().get(30, TimeUnit.SECONDS);

        edges.stopAll();
        kafka.stop();
        kafka.start();
        edges.startAll();

        Mqtt3AsyncClient after = ClusterClients.connected(edges.edge(1), "survive-publisher-2");
        awaitOffline(edges.edge(1), 2);
        publish(after, "survive/awake", MqttQos.AT_LEAST_ONCE, 50);
        after.disconnect().get(30, TimeUnit.SECONDS);

        Received sleeping = reconnect(edges.edge(2), "sleeper");
        sleeping.awaitAtLeast("survive/q1", 100, WAIT);
        sleeping.awaitAtLeast("survive/q2", 100, WAIT);
        Received woken = reconnect(edges.edge(1), "awake");
        woken.awaitAtLeast("survive/awake", 50, WAIT);
        Thread.sleep(500);
        assertThat(numbers(sleeping.all(), "survive/q1")).as("QoS 1 queued before the stop").isEqualTo(upTo(100));
        assertThat(numbers(sleeping.all(), "survive/q2")).as("QoS 2 queued before the stop, once each").isEqualTo(upTo(100));
        assertThat(numbers(woken.all(), "survive/awake")).as("queued for a session that was online at the stop")
                .isEqualTo(upTo(50));
        sleeping.client().disconnect().get(30, TimeUnit.SECONDS);
        woken.client().disconnect().get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(2)
    void aSessionWhoseEdgeIsKilled_isRecordedOffline_andGetsWhatWasPublishedAfterOnAnotherEdge() throws Exception {
        subscribedPersistent(edges.edge(1), "victim", "killed/q", MqttQos.AT_LEAST_ONCE);
        double marked = edges.edge(2).metric("tributary_sessions_dead_owner_total", "");
        edges.kill(1);
        // the surviving edge records the dead edge's sessions offline once it takes it for dead (node timeout)
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> edges.edge(2).metric("tributary_sessions_dead_owner_total", "") > marked);
        Mqtt3AsyncClient publisher = ClusterClients.connected(edges.edge(2), "killed-publisher");
        publish(publisher, "killed/q", MqttQos.AT_LEAST_ONCE, 50);

        Received victim = reconnect(edges.edge(2), "victim");
        victim.awaitAtLeast("killed/q", 50, WAIT);
        Thread.sleep(500);
        assertThat(numbers(victim.all(), "killed/q")).as("its subscription survived the edge").isEqualTo(upTo(50));
        victim.client().disconnect().get(30, TimeUnit.SECONDS);
        publisher.disconnect().get(30, TimeUnit.SECONDS);
        edges.edge(1).startAgain();
    }
}
