package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.kafka.PropertyHeaders;
import dev.tributary.edge.kafka.CompactedTopicReader;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.retained.RetainedStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Retained messages shared by every edge through a compacted topic: key = MQTT topic, value = payload, an
 * empty payload a tombstone [MQTT-3.3.1-10]. Every node reads the whole topic into its local store at start
 * (CONNECT is answered 3 until it has) and follows it, so a message retained on one node is served by all.
 * A PUBLISH is applied locally at once and written to the topic; each node then applies the topic's records
 * in the topic's order, so when two nodes retain on one topic at the same moment, every node ends with the
 * one Kafka ordered last. {@code $} topics ($SYS) are each node's own and stay local. Every node keeps
 * within its own retained limits, so all nodes should have the same.
 */
public final class KafkaRetainedStore implements RetainedStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaRetainedStore.class);

    private final String topic;
    private final String nodeId;
    private final ClusterSender sender;
    private final RetainedStore local;
    private final CompactedTopicReader reader;
    private final Counter unreadable;

    public KafkaRetainedStore(Map<String, Object> kafkaConfig, String topic, String nodeId, ClusterSender sender,
            RetainedStore local, MeterRegistry registry) {
        this.topic = topic;
        this.nodeId = nodeId;
        this.sender = sender;
        this.local = local;
        this.reader = new CompactedTopicReader(kafkaConfig, topic, "tributary-edge-retained", this::apply);
        this.unreadable = Counter.builder("tributary.retained.unreadable")
                .description("records of the retained topic skipped as unreadable").register(registry);
    }

    public void start() {
        reader.start();
    }

    /** Kept on this node only (e.g. as another node's record arrives). */
    @Override
    public Outcome put(Message message) {
        return local.put(message);
    }

    /**
     * Kept here at once and written to the topic for every node; the stage completes when Kafka has it. One
     * this node's limits refuse is not written: every node has the same limits (configure them alike).
     */
    @Override
    public CompletionStage<Outcome> publish(Message message) {
        Outcome outcome = local.put(message);
        if (outcome.limit() != null || message.topic().startsWith("$")) {
            return outcome.now();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(MirrorHeaders.QOS, new byte[] { (byte) ('0' + message.qos()) });
        if (message.clientId() != null) {
            headers.add(MirrorHeaders.CLIENT_ID, message.clientId().getBytes(StandardCharsets.UTF_8));
        }
        if (message.username() != null) {
            headers.add(MirrorHeaders.USERNAME, message.username().getBytes(StandardCharsets.UTF_8));
        }
        headers.add(MirrorHeaders.NODE, nodeId.getBytes(StandardCharsets.UTF_8));
        PropertyHeaders.add(headers, message.properties());
        byte[] value = message.payload().length == 0 ? null : message.payload();
        // never dropped, also at QoS 0: a node that missed it would serve another value than the rest
        return sender.send(List.of(new ProducerRecord<>(topic, null, message.acceptedAtMillis(),
                message.topic().getBytes(StandardCharsets.UTF_8), value, headers)), false).thenApply(written -> outcome);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String qos = KafkaOtherNodes.header(record, MirrorHeaders.QOS);
        if (record.key() == null || (record.value() != null && (qos == null || !qos.matches("[012]")))) {
            unreadable.increment();
            LOG.warnf("skipping an unreadable record at offset %d of %s", record.offset(), record.topic());
            return;
        }
        String mqttTopic = new String(record.key(), StandardCharsets.UTF_8);
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        local.put(new Message(mqttTopic, payload, payload.length == 0 ? 0 : qos.charAt(0) - '0', true,
                KafkaOtherNodes.header(record, MirrorHeaders.CLIENT_ID), KafkaOtherNodes.header(record, MirrorHeaders.USERNAME),
                record.timestamp(), PropertyHeaders.read(record.headers())));
    }

    @Override
    public List<Message> matching(String filter) {
        return local.matching(filter);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public long bytes() {
        return local.bytes();
    }

    @Override
    public dev.tributary.edge.retained.RetainedLimits limits() {
        return local.limits();
    }

    @Override
    public boolean loaded() {
        return reader.loaded();
    }

    @Override
    public void close() {
        reader.close();
    }
}
