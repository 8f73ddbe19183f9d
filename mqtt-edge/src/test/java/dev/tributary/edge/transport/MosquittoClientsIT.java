package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.RequiredTools;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Interop with Debian's mosquitto_pub and mosquitto_sub, the clients operators reach for first. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class MosquittoClientsIT {

    @Inject
    EdgeNode node;

    @BeforeAll
    static void mosquittoClientsInstalled() {
        RequiredTools.path("mosquitto_pub");
        RequiredTools.path("mosquitto_sub");
    }

    @Test
    void mosquittoSubReceivesWhatMosquittoPubSendsAtEveryQos() throws Exception {
        String port = Integer.toString(node.server().port());
        int subscriptionsBefore = subscriptions();
        Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv311",
                "-t", "interop/#", "-q", "2", "-C", "3", "-v", "-W", "20")
                .redirectErrorStream(true).start();
        awaitSubscribed(port, subscriptionsBefore);
        for (int qos = 0; qos <= 2; qos++) {
            run("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv311", "-t", "interop/q" + qos,
                    "-q", Integer.toString(qos), "-m", "hello " + qos);
        }
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out.lines()).containsExactly("interop/q0 hello 0", "interop/q1 hello 1", "interop/q2 hello 2");
    }

    @Test
    void mosquittoSubGetsTheRetainedValue() throws Exception {
        String port = Integer.toString(node.server().port());
        run("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", "interop/retained", "-q", "1", "-r", "-m", "kept");
        Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", port,
                "-t", "interop/retained", "-C", "1", "-W", "10", "--retained-only")
                .redirectErrorStream(true).start();
        assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("kept");
    }

    @Test
    void mosquittoV5Clients_carryUserPropertiesContentTypeAndSubscriptionId_MQTT_3_3_2_17() throws Exception {
        String port = Integer.toString(node.server().port());
        int subscriptionsBefore = subscriptions();
        Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", "5",
                "-t", "interop5/#", "-q", "1", "-C", "1", "-W", "20", "-D", "subscribe", "subscription-identifier", "42",
                "-F", "%t %p %P %C %S")
                .redirectErrorStream(true).start();
        awaitSubscribed(port, subscriptionsBefore);
        run("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "5", "-t", "interop5/x", "-q", "1", "-m", "hello",
                "-D", "publish", "user-property", "fleet", "north", "-D", "publish", "content-type", "text/plain");
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out.lines()).containsExactly("interop5/x hello fleet:north text/plain 42");
    }

    @Test
    void mosquittoRr_getsTheResponseOfAnMqtt5Responder_MQTT_4_10() throws Exception {
        RequiredTools.path("mosquitto_rr");
        String port = Integer.toString(node.server().port());
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        // the responder answers on the request's response topic with its correlation data [MQTT-4.10.0]
        Mqtt5AsyncClient responder = MqttClient.builder().useMqttVersion5().identifier("responder-" + run)
                .serverHost("127.0.0.1").serverPort(node.server().port()).buildAsync();
        responder.connect().get(10, TimeUnit.SECONDS);
        try {
            responder.subscribeWith().topicFilter("rr/" + run + "/request").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(request -> responder.publishWith().topic(request.getResponseTopic().orElseThrow())
                            .correlationData(request.getCorrelationData().orElse(null))
                            .payload(("pong to " + new String(request.getPayloadAsBytes(), StandardCharsets.UTF_8)).getBytes())
                            .send())
                    .send().get(10, TimeUnit.SECONDS);
            Process rr = new ProcessBuilder("mosquitto_rr", "-h", "127.0.0.1", "-p", port, "-t", "rr/" + run + "/request",
                    "-e", "rr/" + run + "/response", "-m", "ping", "-W", "15")
                    .redirectErrorStream(true).start();
            assertThat(rr.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String out = new String(rr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out.lines()).containsExactly("pong to ping");
            assertThat(rr.exitValue()).isZero();
        } finally {
            responder.disconnect().get(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the subscription exists by watching the broker's own count. */
    private void awaitSubscribed(String port, int before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (subscriptions() > before) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mosquitto_sub did not subscribe on port " + port);
    }

    private int subscriptions() {
        return Integer.parseInt(node.sys().snapshot().get("$SYS/broker/subscriptions/count"));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> out = new ArrayList<>(new String(p.getInputStream().readAllBytes()).lines().toList());
        assertThat(p.exitValue()).as(String.join(" ", command) + " " + out).isZero();
    }
}
