package dev.tributary.systemtests.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.testsupport.EdgeProcess;

/** Real MQTT clients (HiveMQ's, MQTT 3.1.1, clean session) on the edges of a cluster. */
final class ClusterClients {

    private static final long WAIT_SECONDS = 30;

    private ClusterClients() {
    }

    static Mqtt3AsyncClient client(EdgeProcess edge, String clientId) {
        return MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1").serverPort(edge.port())
                .buildAsync();
    }

    /** A client connected to {@code edge}. */
    static Mqtt3AsyncClient connected(EdgeProcess edge, String clientId) throws Exception {
        Mqtt3AsyncClient client = client(edge, clientId);
        client.connect().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    /** A client connected to {@code edge} with a QoS 1 will {@code payload} on {@code willTopic}. */
    static Mqtt3AsyncClient connectedWithWill(EdgeProcess edge, String clientId, String willTopic, String payload) throws Exception {
        Mqtt3AsyncClient client = client(edge, clientId);
        client.connectWith().willPublish().topic(willTopic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).applyWillPublish().send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    /** A client on {@code edge} subscribed to {@code filter}, recording what it is sent from the SUBACK on. */
    static Received subscribed(EdgeProcess edge, String clientId, String filter, MqttQos qos) throws Exception {
        Received received = new Received(clientId + " on " + edge.nodeId() + " (" + filter + ")");
        Mqtt3AsyncClient client = connected(edge, clientId);
        client.subscribeWith().topicFilter(filter).qos(qos).callback(received::add).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        received.client(client);
        return received;
    }

    /**
     * Publishes QoS 1 probes to {@code probeTopic} until every subscriber got one: their edges' interest has
     * reached the publisher's edge (tens of milliseconds, docs/cluster.md), so that nothing published after
     * is lost to that race. The probes stay in what the subscribers received; look at other topics.
     */
    static void untilRouted(Mqtt3AsyncClient publisher, String probeTopic, List<Received> subscribers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS).toNanos();
        while (subscribers.stream().anyMatch(s -> s.on(probeTopic).isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("probes on " + probeTopic + " did not reach "
                        + subscribers.stream().filter(s -> s.on(probeTopic).isEmpty()).toList() + " within " + WAIT_SECONDS + " s");
            }
            publisher.publishWith().topic(probeTopic).qos(MqttQos.AT_LEAST_ONCE).payload("probe".getBytes(StandardCharsets.UTF_8))
                    .send().get(WAIT_SECONDS, TimeUnit.SECONDS);
            Thread.sleep(50);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
