package dev.tributary.systemtests.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.testsupport.EdgeCluster;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Two packaged edges on one Kafka are one MQTT broker: a message published on either reaches the
 * subscribers of both, with its QoS, once and in order; a retained message set on one is served by the
 * other; a killed edge neither stops the other nor loses what Kafka holds.
 */
class OneBrokerIT {

    private static EdgeCluster edges;

    @BeforeAll
    static void start() throws Exception {
        edges = EdgeCluster.builder(ServiceProcess.root(), Files.createTempDirectory("one-broker"), SharedKafka.get().bootstrapServers())
                .edges(2).start();
    }

    @AfterAll
    static void stop() {
        if (edges != null) {
            edges.close();
        }
    }

    private static Mqtt3BlockingClient connected(EdgeProcess edge, String clientId) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(edge.port()).buildBlocking();
        client.connect();
        return client;
    }

    private static String text(Mqtt3Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    /**
     * Publishes {@code marker}-probes on {@code from} until one reaches {@code seen}: the other edge has read the
     * subscription (within a second in practice), so what follows is not lost to that race.
     */
    private static void untilRouted(Mqtt3BlockingClient from, String topic, Mqtt3Publishes seen) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            from.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(("probe").getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt3Publish> got = seen.receive(100, TimeUnit.MILLISECONDS);
            if (got.isPresent()) {
                // drain probes still on their way
                while (seen.receive(300, TimeUnit.MILLISECONDS).isPresent()) {
                    // skip
                }
                return;
            }
        }
        throw new AssertionError("no message crossed from one edge to the other within 10 s");
    }

    @Test
    void messagesPublishedOnOneEdge_reachSubscribersOnTheOther_onceInOrder_atEachQos() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Mqtt3BlockingClient subscriber = connected(edges.edge(2), "sub-" + run);
        Mqtt3BlockingClient publisher = connected(edges.edge(1), "pub-" + run);
        try (Mqtt3Publishes seen = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("cross/" + run + "/#").qos(MqttQos.EXACTLY_ONCE).send();
            untilRouted(publisher, "cross/" + run + "/probe", seen);
            for (MqttQos qos : List.of(MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE)) {
                for (int i = 0; i < 200; i++) {
                    publisher.publishWith().topic("cross/" + run + "/" + qos.getCode()).qos(qos)
                            .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
                }
                for (int i = 0; i < 200; i++) {
                    Optional<Mqtt3Publish> got = seen.receive(10, TimeUnit.SECONDS);
                    assertThat(got).as("QoS " + qos.getCode() + " message " + i + " crossed edges").isPresent();
                    // [MQTT-4.6.0-5] one publisher's messages to one topic arrive in the order sent
                    assertThat(text(got.get())).isEqualTo(Integer.toString(i));
                    // delivered with the publisher's QoS, at most the granted one [MQTT-3.8.4-6]
                    assertThat(got.get().getQos()).isEqualTo(qos);
                    // [MQTT-3.3.1-9] a routed message carries retain 0
                    assertThat(got.get().isRetain()).isFalse();
                }
            }
            assertThat(seen.receive(500, TimeUnit.MILLISECONDS)).as("nothing twice").isEmpty();
        } finally {
            publisher.disconnect();
            subscriber.disconnect();
        }
    }

    @Test
    void aRetainedMessageSetOnOneEdge_isServedByTheOther_andClearedEverywhere() throws Exception {
        String topic = "retained/" + UUID.randomUUID();
        Mqtt3BlockingClient publisher = connected(edges.edge(1), "rpub-" + UUID.randomUUID());
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("kept".getBytes(StandardCharsets.UTF_8)).send();
        publisher.disconnect();
        long set = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> retainedOn(edges.edge(2), topic).isPresent());
        System.out.printf("one broker: a retained message set on edge 1 was served by edge 2 after %d ms%n",
                (System.nanoTime() - set) / 1_000_000);
        Mqtt3Publish served = retainedOn(edges.edge(2), topic).orElseThrow();
        assertThat(text(served)).isEqualTo("kept");
        assertThat(served.isRetain()).as("[MQTT-3.3.1-8] sent on SUBSCRIBE with retain 1").isTrue();

        // [MQTT-3.3.1-10] an empty retained message on edge 2 clears it on edge 1 too
        Mqtt3BlockingClient clearer = connected(edges.edge(2), "rclear-" + UUID.randomUUID());
        clearer.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(new byte[0]).send();
        clearer.disconnect();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> retainedOn(edges.edge(1), topic).isEmpty());
    }

    /** What a new subscriber on {@code edge} is sent for {@code topic} at SUBSCRIBE. */
    private static Optional<Mqtt3Publish> retainedOn(EdgeProcess edge, String topic) throws InterruptedException {
        Mqtt3BlockingClient reader = connected(edge, "rread-" + UUID.randomUUID());
        try (Mqtt3Publishes seen = reader.publishes(MqttGlobalPublishFilter.ALL)) {
            reader.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            return seen.receive(300, TimeUnit.MILLISECONDS);
        } finally {
            reader.disconnect();
        }
    }

    @Test
    void aClientIdConnectingOnTheOtherEdge_closesItsConnectionOnTheFirst() throws Exception {
        String clientId = "moving-" + UUID.randomUUID().toString().substring(0, 8);
        java.util.concurrent.atomic.AtomicLong closedAt = new java.util.concurrent.atomic.AtomicLong();
        Mqtt3BlockingClient first = MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(edges.edge(1).port()).addDisconnectedListener(c -> closedAt.compareAndSet(0, System.nanoTime()))
                .buildBlocking();
        first.connect();
        Thread.sleep(300); // its connection is recorded before the second one
        long connected = System.nanoTime();
        Mqtt3BlockingClient second = connected(edges.edge(2), clientId);
        // [MQTT-3.1.4-2] the server disconnects the existing client with the same client id, wherever it is
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> closedAt.get() != 0);
        System.out.printf("one broker: a client id connecting on edge 2 closed its connection on edge 1 %d ms later%n",
                (closedAt.get() - connected) / 1_000_000);
        Thread.sleep(1_000);
        assertThat(second.getState().isConnected()).as("the newer connection stays").isTrue();
        second.disconnect();
    }

    @Test
    void theWillsOfAnEdgeKilledWithSigkill_arePublishedOnceByTheOther() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        EdgeProcess survivor = edges.edge(1);
        EdgeProcess victim = edges.edge(2);
        Mqtt3BlockingClient watcher = connected(survivor, "wwatch-" + run);
        try (Mqtt3Publishes seen = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wills/" + run + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3BlockingClient dying = MqttClient.builder().useMqttVersion3().identifier("wdying-" + run)
                    .serverHost("127.0.0.1").serverPort(victim.port()).buildBlocking();
            dying.connectWith().willPublish().topic("wills/" + run + "/gone").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("lost".getBytes(StandardCharsets.UTF_8)).applyWillPublish().send();
            Thread.sleep(500); // the survivor has read the connection and its will
            long killed = System.nanoTime();
            victim.process().kill();
            Optional<Mqtt3Publish> will = seen.receive(20, TimeUnit.SECONDS);
            assertThat(will.map(OneBrokerIT::text)).as("[MQTT-3.1.2-8] the will of a connection its edge lost").contains("lost");
            System.out.printf("one broker: the will of a client of an edge killed with SIGKILL arrived %d ms after the kill%n",
                    (System.nanoTime() - killed) / 1_000_000);
            victim.restart();
            assertThat(seen.receive(3, TimeUnit.SECONDS)).as("published once, not again by the restarted edge").isEmpty();
        } finally {
            watcher.disconnect();
        }
    }

    @Test
    void anEdgeKilledWithSigkill_stopsNothingOnTheOther_andComesBackWithTheRetainedMessagesFromKafka() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        EdgeProcess survivor = edges.edge(1);
        EdgeProcess victim = edges.edge(2);
        Mqtt3BlockingClient publisher = connected(survivor, "kpub-" + run);
        publisher.publishWith().topic("kill/" + run + "/state").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("before".getBytes(StandardCharsets.UTF_8)).send();
        Mqtt3BlockingClient doomed = connected(victim, "ksub-" + run);
        doomed.subscribeWith().topicFilter("kill/" + run + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Thread.sleep(500); // the survivor now sends this topic to the victim's inbox

        victim.process().kill();
        // PUBACKs keep coming while the survivor still takes the victim for alive, and after
        for (int i = 0; i < 50; i++) {
            publisher.publishWith().topic("kill/" + run + "/after").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
            Thread.sleep(100);
        }
        Mqtt3BlockingClient local = connected(survivor, "klocal-" + run);
        try (Mqtt3Publishes seen = local.publishes(MqttGlobalPublishFilter.ALL)) {
            local.subscribeWith().topicFilter("kill/" + run + "/state").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(seen.receive(5, TimeUnit.SECONDS).map(OneBrokerIT::text)).contains("before");
        }
        local.disconnect();

        victim.restart();
        assertThat(retainedOn(victim, "kill/" + run + "/state").map(OneBrokerIT::text))
                .as("the restarted edge serves the retained message from Kafka").contains("before");
        Mqtt3BlockingClient back = connected(victim, "ksub2-" + run);
        try (Mqtt3Publishes seen = back.publishes(MqttGlobalPublishFilter.ALL)) {
            back.subscribeWith().topicFilter("kill/" + run + "/again").qos(MqttQos.AT_LEAST_ONCE).send();
            untilRouted(publisher, "kill/" + run + "/again", seen);
        } finally {
            back.disconnect();
            publisher.disconnect();
        }
    }
}
