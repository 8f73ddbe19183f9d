package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.RequiredTools;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Interop with Eclipse Paho, the clients many device fleets and gateways are written with: Paho Java (the v3 API for
 * MQTT 3.1.1, the v5 API for MQTT 5) and Debian's Paho Python (python3-paho-mqtt), each over a real socket to the edge.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class PahoClientsIT {

    @Inject
    EdgeNode node;

    private String url() {
        return "tcp://127.0.0.1:" + node.server().port();
    }

    /** A Paho Java client that records what it receives as "topic qos retain payload". */
    private MqttClient paho(String clientId, List<String> received) throws Exception {
        MqttClient client = new MqttClient(url(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + " " + message.getQos() + " " + (message.isRetained() ? 1 : 0) + " "
                        + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        return client;
    }

    private static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        return options;
    }

    @Test
    void pahoJava_receivesWhatItPublishesAtEveryQos_withTheGrantedQos() throws Exception {
        String prefix = "paho-java/" + UUID.randomUUID();
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient client = paho("paho-java-" + UUID.randomUUID(), received);
        client.connect(options(true));
        int[] granted = client.subscribeWithResponse(new String[] { prefix + "/#" }, new int[] { 2 }).getGrantedQos();
        assertThat(granted).containsExactly(2);
        for (int qos = 0; qos <= 2; qos++) {
            client.publish(prefix + "/q" + qos, ("hello " + qos).getBytes(StandardCharsets.UTF_8), qos, false);
        }
        awaitSize(received, 3);
        // [MQTT-4.6.0-5] in order; [MQTT-3.8.4-6] delivered at min(publish QoS, granted QoS)
        assertThat(received).containsExactly(prefix + "/q0 0 0 hello 0", prefix + "/q1 1 0 hello 1", prefix + "/q2 2 0 hello 2");
        client.disconnect();
        client.close();
    }

    @Test
    void pahoJava_persistentSession_getsTheQos1And2MessagesPublishedWhileItWasAway() throws Exception {
        String prefix = "paho-java/" + UUID.randomUUID();
        String id = "paho-persistent-" + UUID.randomUUID();
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = paho(id, received);
        subscriber.connect(options(false));
        subscriber.subscribe(prefix + "/#", 2);
        subscriber.disconnect();

        MqttClient publisher = paho("paho-publisher-" + UUID.randomUUID(), new CopyOnWriteArrayList<>());
        publisher.connect(options(true));
        publisher.publish(prefix + "/a", "one".getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.publish(prefix + "/b", "two".getBytes(StandardCharsets.UTF_8), 2, false);
        publisher.disconnect();
        publisher.close();

        MqttClient back = paho(id, received);
        back.connect(options(false));
        awaitSize(received, 2);
        // [MQTT-3.1.2-4] the session's subscriptions and queued QoS 1 and 2 messages outlive the connection
        assertThat(received).containsExactly(prefix + "/a 1 0 one", prefix + "/b 2 0 two");
        back.disconnect();
        back.close();
        subscriber.close();
    }

    @Test
    void pahoPython_fromDebian_publishesSubscribesAndGetsTheRetainedValue() throws Exception {
        String python = RequiredTools.pythonWithPaho();
        String prefix = "paho-python/" + UUID.randomUUID().toString().substring(0, 8);
        Path script = Path.of("src/test/resources/interop/paho_client.py").toAbsolutePath();
        Process process = new ProcessBuilder(python, script.toString(), "127.0.0.1", Integer.toString(node.server().port()), prefix)
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the Paho Python client finished").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out.lines()).containsExactly(
                "late " + prefix + "/q2 2 1 hello 2", // [MQTT-3.3.1-6] a new subscriber gets the retained message, retain 1
                "sub " + prefix + "/q0 0 0 hello 0",
                "sub " + prefix + "/q1 1 0 hello 1",
                "sub " + prefix + "/q2 2 0 hello 2"); // [MQTT-3.3.1-9] retain 0 to subscribers that were there already
    }

    /** A Paho Java MQTT 5 client that records what it receives as "topic qos user-properties content-type payload". */
    private org.eclipse.paho.mqttv5.client.MqttClient paho5(String clientId, List<String> received) throws Exception {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(url(), clientId,
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                var p = message.getProperties();
                String users = p == null || p.getUserProperties() == null ? "[]"
                        : p.getUserProperties().stream().map(u -> u.getKey() + "=" + u.getValue()).toList().toString();
                received.add(topic + " " + message.getQos() + " " + users + " " + (p == null ? null : p.getContentType()) + " "
                        + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        });
        var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        client.connect(options);
        return client;
    }

    @Test
    void pahoJavaMqtt5_getsUserPropertiesAndContentTypeInOrder_andNoLocalKeepsItsOwnMessagesAway() throws Exception {
        String prefix = "paho-v5/" + UUID.randomUUID();
        List<String> received = new CopyOnWriteArrayList<>();
        var client = paho5("paho5-" + UUID.randomUUID(), received);
        var all = new org.eclipse.paho.mqttv5.common.MqttSubscription(prefix + "/all/#", 2);
        var others = new org.eclipse.paho.mqttv5.common.MqttSubscription(prefix + "/others/#", 2);
        others.setNoLocal(true);
        assertThat(client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] { all, others }).getGrantedQos())
                .containsExactly(2, 2);
        for (int qos = 0; qos <= 2; qos++) {
            var properties = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            properties.setUserProperties(List.of(new org.eclipse.paho.mqttv5.common.packet.UserProperty("site", "north"),
                    new org.eclipse.paho.mqttv5.common.packet.UserProperty("site", "south")));
            properties.setContentType("text/plain");
            client.publish(prefix + "/all/q" + qos, new org.eclipse.paho.mqttv5.common.MqttMessage(
                    ("hello " + qos).getBytes(StandardCharsets.UTF_8), qos, false, properties));
        }
        client.publish(prefix + "/others/mine", new org.eclipse.paho.mqttv5.common.MqttMessage("own".getBytes(StandardCharsets.UTF_8), 1,
                false, new org.eclipse.paho.mqttv5.common.packet.MqttProperties()));
        var other = paho5("paho5-other-" + UUID.randomUUID(), new CopyOnWriteArrayList<>());
        other.publish(prefix + "/others/theirs", new org.eclipse.paho.mqttv5.common.MqttMessage("theirs".getBytes(StandardCharsets.UTF_8), 1,
                false, new org.eclipse.paho.mqttv5.common.packet.MqttProperties()));
        awaitSize(received, 4);
        // [MQTT-3.3.2-17], [MQTT-3.3.2-18] user properties passed on unaltered and in order; [MQTT-3.3.2-20] content type
        // passed on; [MQTT-3.8.3-3] No Local: its own message on the No Local subscription is not sent back
        assertThat(received).containsExactly(
                prefix + "/all/q0 0 [site=north, site=south] text/plain hello 0",
                prefix + "/all/q1 1 [site=north, site=south] text/plain hello 1",
                prefix + "/all/q2 2 [site=north, site=south] text/plain hello 2",
                prefix + "/others/theirs 1 [] null theirs");
        other.disconnect();
        other.close();
        client.disconnect();
        client.close();
    }

    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(list).as("received within 20 s").hasSizeGreaterThanOrEqualTo(size);
    }
}
