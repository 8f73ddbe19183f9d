package dev.tributary.systemtests.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.Header;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.testsupport.KafkaRecords;

/**
 * A stream of numbered QoS 1 messages to one topic (payload: the number), sent asynchronously with up to
 * {@code window} unacknowledged at a time, recording which numbers got their PUBACK.
 */
final class QosOneStream {

    private static final Duration STALL = Duration.ofSeconds(90);

    private final String topic;
    private final int window;
    private final Set<Integer> acked = ConcurrentHashMap.newKeySet();

    QosOneStream(String topic, int window) {
        this.topic = topic;
        this.window = window;
    }

    String topic() {
        return topic;
    }

    /**
     * Hands {@code numbers} to {@code client} in order and returns when the last one is sent (not yet acknowledged).
     * Fails if no PUBACK frees a place in the window for 90 s.
     */
    void send(Mqtt3AsyncClient client, Iterable<Integer> numbers) throws InterruptedException {
        Semaphore places = new Semaphore(window);
        for (int n : numbers) {
            if (!places.tryAcquire(STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("no PUBACK for " + STALL + " while sending message " + n + " of " + topic);
            }
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(ClusterClients.utf8(Integer.toString(n))).send()
                    .whenComplete((publish, failure) -> {
                        if (failure == null) {
                            acked.add(n);
                        }
                        places.release();
                    });
        }
    }

    /** The numbers PUBACKed so far. */
    Set<Integer> acked() {
        return new TreeSet<>(acked);
    }

    /** The numbers of this stream's records in the mirror topic {@code mirrorTopic}, in Kafka's order per partition. */
    List<Integer> inMirror(String bootstrapServers, String mirrorTopic) {
        return KafkaRecords.all(bootstrapServers, mirrorTopic).stream()
                .filter(r -> topic.equals(text(r.headers().lastHeader(MirrorHeaders.TOPIC))))
                .map(r -> Integer.valueOf(new String(r.value(), StandardCharsets.UTF_8))).toList();
    }

    private static String text(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
