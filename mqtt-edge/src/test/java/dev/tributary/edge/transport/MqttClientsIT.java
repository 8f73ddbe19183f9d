package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The broker as a real client library sees it, over a real socket. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class MqttClientsIT {

    @Inject
    EdgeNode node;

    @Test
    void publishAndSubscribeAtEveryQos() throws Exception {
        Mqtt3BlockingClient subscriber = client("sub-" + UUID.randomUUID());
        subscriber.connect();
        Mqtt3BlockingClient publisher = client("pub-" + UUID.randomUUID());
        publisher.connect();
        try (Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("qos/+/test").qos(MqttQos.EXACTLY_ONCE).send();
            for (MqttQos qos : MqttQos.values()) {
                publisher.publishWith().topic("qos/" + qos.getCode() + "/test").qos(qos)
                        .payload(("at " + qos).getBytes(StandardCharsets.UTF_8)).send();
            }
            List<Mqtt3Publish> received = receive(publishes, 3);
            assertThat(received).extracting(p -> p.getQos().getCode()).containsExactly(0, 1, 2);
            assertThat(received).extracting(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .containsExactly("at AT_MOST_ONCE", "at AT_LEAST_ONCE", "at EXACTLY_ONCE");
        } finally {
            subscriber.disconnect();
            publisher.disconnect();
        }
    }

    @Test
    void subscriptionQosCapsDelivery() throws Exception {
        Mqtt3BlockingClient subscriber = client("sub-" + UUID.randomUUID());
        subscriber.connect();
        try (Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("capped").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3BlockingClient publisher = client("pub-" + UUID.randomUUID());
            publisher.connect();
            publisher.publishWith().topic("capped").qos(MqttQos.EXACTLY_ONCE).payload(new byte[] { 1 }).send();
            publisher.disconnect();
            assertThat(receive(publishes, 1).get(0).getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        } finally {
            subscriber.disconnect();
        }
    }

    @Test
    void retainedMessageReachesLaterSubscribers_untilCleared() throws Exception {
        String topic = "retained/" + UUID.randomUUID();
        Mqtt3BlockingClient publisher = client("pub-" + UUID.randomUUID());
        publisher.connect();
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload("kept".getBytes()).send();

        Mqtt3BlockingClient late = client("late-" + UUID.randomUUID());
        late.connect();
        try (Mqtt3Publishes publishes = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("retained/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3Publish retained = receive(publishes, 1).get(0);
            assertThat(retained.isRetain()).isTrue();
            assertThat(retained.getPayloadAsBytes()).isEqualTo("kept".getBytes());
        } finally {
            late.disconnect();
        }

        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(new byte[0]).send();
        publisher.disconnect();
        Mqtt3BlockingClient later = client("later-" + UUID.randomUUID());
        later.connect();
        try (Mqtt3Publishes publishes = later.publishes(MqttGlobalPublishFilter.ALL)) {
            later.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(publishes.receive(1, TimeUnit.SECONDS)).isEmpty();
        } finally {
            later.disconnect();
        }
    }

    @Test
    void persistentSession_receivesWhatWasPublishedWhileOffline() throws Exception {
        String id = "persistent-" + UUID.randomUUID();
        Mqtt3BlockingClient device = client(id);
        Mqtt3ConnAck first = device.connectWith().cleanSession(false).send();
        assertThat(first.isSessionPresent()).isFalse();
        device.subscribeWith().topicFilter("offline/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
        device.disconnect();

        Mqtt3BlockingClient publisher = client("pub-" + UUID.randomUUID());
        publisher.connect();
        for (int i = 0; i < 5; i++) {
            publisher.publishWith().topic("offline/" + id).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] { (byte) i }).send();
        }
        publisher.disconnect();

        Mqtt3BlockingClient again = client(id);
        try (Mqtt3Publishes publishes = again.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt3ConnAck second = again.connectWith().cleanSession(false).send();
            assertThat(second.isSessionPresent()).isTrue();
            assertThat(receive(publishes, 5)).extracting(p -> (int) p.getPayloadAsBytes()[0]).containsExactly(0, 1, 2, 3, 4);
        } finally {
            again.disconnect();
        }
    }

    @Test
    void sameClientIdConnectingAgain_takesTheSessionOver() {
        String id = "twin-" + UUID.randomUUID();
        Mqtt3BlockingClient first = client(id);
        first.connect();
        Mqtt3BlockingClient second = client(id);
        second.connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.getState() == MqttClientState.DISCONNECTED);
        assertThat(second.getState()).isEqualTo(MqttClientState.CONNECTED);
        second.disconnect();
    }

    @Test
    void will_isPublishedWhenTheDeviceVanishes_andKeepAliveExpires() throws Exception {
        String id = "vanishing-" + UUID.randomUUID();
        Mqtt3BlockingClient watcher = client("watch-" + UUID.randomUUID());
        watcher.connect();
        try (Mqtt3Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL);
                RawMqttSocket device = new RawMqttSocket(port())) {
            watcher.subscribeWith().topicFilter("status/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
            device.connect(id, 1, "status/" + id, "offline");
            assertThat(device.connackCode()).isZero();
            // silent for 1.5 × keep alive: the broker closes it [MQTT-3.1.2-24] and publishes the will
            assertThat(device.closedWithin(Duration.ofSeconds(5))).isTrue();
            assertThat(new String(receive(publishes, 1).get(0).getPayloadAsBytes())).isEqualTo("offline");
        } finally {
            watcher.disconnect();
        }
    }

    @Test
    void sysTopicsArePublished() throws Exception {
        Mqtt3BlockingClient watcher = client("sys-" + UUID.randomUUID());
        watcher.connect();
        try (Mqtt3Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("$SYS/broker/#").qos(MqttQos.AT_MOST_ONCE).send();
            List<String> topics = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (topics.size() < 7 && System.nanoTime() < deadline) {
                publishes.receive(1, TimeUnit.SECONDS).ifPresent(p -> topics.add(p.getTopic().toString()));
            }
            assertThat(topics).contains("$SYS/broker/version", "$SYS/broker/uptime", "$SYS/broker/clients/connected",
                    "$SYS/broker/messages/received", "$SYS/broker/messages/sent", "$SYS/broker/subscriptions/count",
                    "$SYS/broker/retained messages/count");
        } finally {
            watcher.disconnect();
        }
    }

    private Mqtt3BlockingClient client(String id) {
        return MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(port()).buildBlocking();
    }

    private int port() {
        return node.server().port();
    }

    static List<Mqtt3Publish> receive(Mqtt3Publishes publishes, int count) throws InterruptedException {
        List<Mqtt3Publish> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<Mqtt3Publish> next = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(next).as("message " + (i + 1) + " of " + count).isPresent();
            received.add(next.get());
        }
        return received;
    }
}
