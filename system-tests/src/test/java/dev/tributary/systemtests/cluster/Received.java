package dev.tributary.systemtests.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.awaitility.Awaitility;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

/** What one subscriber was sent, in the order it arrived; payloads are text. */
final class Received {

    /** One PUBLISH as the subscriber got it, and when ({@link System#nanoTime()}). */
    record Message(String topic, String payload, MqttQos qos, boolean retain, long receivedAt) {
    }

    private final String name;
    private final List<Message> messages = new ArrayList<>();
    private volatile Mqtt3AsyncClient client;

    Received(String name) {
        this.name = name;
    }

    void add(Mqtt3Publish publish) {
        Message m = new Message(publish.getTopic().toString(), new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8),
                publish.getQos(), publish.isRetain(), System.nanoTime());
        synchronized (messages) {
            messages.add(m);
        }
    }

    void client(Mqtt3AsyncClient subscriber) {
        this.client = subscriber;
    }

    Mqtt3AsyncClient client() {
        return client;
    }

    String name() {
        return name;
    }

    List<Message> all() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** The messages on {@code topic}, in the order they arrived. */
    List<Message> on(String topic) {
        return all().stream().filter(m -> m.topic().equals(topic)).toList();
    }

    /** The payloads of the messages on {@code topic} as numbers, in the order they arrived. */
    List<Integer> numbers(String topic) {
        return on(topic).stream().map(m -> Integer.valueOf(m.payload())).toList();
    }

    /** Waits until {@code topic} has brought at least {@code count} messages. */
    void awaitAtLeast(String topic, int count, Duration atMost) {
        Awaitility.await().alias(name + " got " + count + " messages on " + topic).atMost(atMost)
                .pollInterval(Duration.ofMillis(50)).until(() -> on(topic).size() >= count);
    }

    /** Waits until the subscriber has got at least {@code count} messages. */
    void awaitAtLeast(int count, Duration atMost) {
        Awaitility.await().alias(name + " got " + count + " messages").atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> all().size() >= count);
    }

    void disconnect() {
        Mqtt3AsyncClient c = client;
        if (c != null && c.getState().isConnected()) {
            c.disconnect().join();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** Numbers in {@code received} more than once. */
    static List<Integer> duplicates(List<Integer> received) {
        List<Integer> twice = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Integer n : received) {
            if (!seen.add(n)) {
                twice.add(n);
            }
        }
        return twice;
    }

    /** Each number at its first arrival, in arrival order. */
    static List<Integer> firstArrivals(List<Integer> received) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> first = new ArrayList<>();
        for (Integer n : received) {
            if (seen.add(n)) {
                first.add(n);
            }
        }
        return first;
    }
}
