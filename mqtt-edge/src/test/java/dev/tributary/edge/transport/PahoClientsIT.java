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
 * Interop with Eclipse Paho, the clients many device fleets and gateways are written with: Paho Java (v3 API) and
 * Debian's Paho Python (python3-paho-mqtt), each over a real socket to the edge.
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

    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(list).as("received within 20 s").hasSizeGreaterThanOrEqualTo(size);
    }
}
