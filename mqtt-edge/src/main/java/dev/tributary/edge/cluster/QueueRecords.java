package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.kafka.PropertyHeaders;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.session.QueuedMessage;

/**
 * Records of the queue topic: the messages kept for offline persistent sessions. Key: the client id; value: the
 * payload; timestamp: when the message was accepted; headers as on the inbox records ({@code mqtt.topic},
 * {@code mqtt.qos} = the QoS it is delivered with, {@code mqtt.retain}, {@code mqtt.client_id} and
 * {@code mqtt.username} of the publisher, {@code mqtt.node}), plus {@code tributary.packet_id} for a message that
 * was in flight (resent with that id and DUP). A marker ({@code tributary.marker}, empty value) starts what a
 * node wrote when a session went offline: its offset is where the session's queue resumes.
 */
final class QueueRecords {

    static final String PACKET_ID = "tributary.packet_id";
    static final String MARKER = "tributary.marker";
    private static final byte[] ONE = { '1' };

    private final String topic;
    private final int partitions;
    private final byte[] node;

    QueueRecords(String topic, int partitions, String nodeId) {
        this.topic = topic;
        this.partitions = partitions;
        this.node = nodeId.getBytes(StandardCharsets.UTF_8);
    }

    String topic() {
        return topic;
    }

    /** The partition of a client's queue: as Kafka's default partitioner would choose for the key. */
    int partition(String clientId) {
        return Utils.toPositive(Utils.murmur2(clientId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    ProducerRecord<byte[], byte[]> marker(String clientId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MARKER, ONE);
        headers.add(MirrorHeaders.NODE, node);
        return new ProducerRecord<>(topic, partition(clientId), null, utf8(clientId), new byte[0], headers);
    }

    ProducerRecord<byte[], byte[]> message(String clientId, Message message, int qos, int packetId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MirrorHeaders.TOPIC, utf8(message.topic()));
        headers.add(MirrorHeaders.QOS, new byte[] { (byte) ('0' + qos) });
        headers.add(MirrorHeaders.RETAIN, utf8(Boolean.toString(message.retain())));
        if (message.clientId() != null) {
            headers.add(MirrorHeaders.CLIENT_ID, utf8(message.clientId()));
        }
        if (message.username() != null) {
            headers.add(MirrorHeaders.USERNAME, utf8(message.username()));
        }
        headers.add(MirrorHeaders.NODE, node);
        if (packetId != 0) {
            headers.add(PACKET_ID, utf8(Integer.toString(packetId)));
        }
        PropertyHeaders.add(headers, message.properties()); // MQTT 5: the expiry counts on from the record's timestamp
        return new ProducerRecord<>(topic, partition(clientId), message.acceptedAtMillis(), utf8(clientId), message.payload(),
                headers);
    }

    /** The same record again, for this client's queue as it is now (a session handed over mid-replay). */
    ProducerRecord<byte[], byte[]> copy(String clientId, ConsumerRecord<byte[], byte[]> record) {
        return new ProducerRecord<>(topic, partition(clientId), record.timestamp(), record.key(), record.value(),
                new RecordHeaders(record.headers().toArray()));
    }

    static boolean isMarker(ConsumerRecord<byte[], byte[]> record) {
        return record.headers().lastHeader(MARKER) != null;
    }

    /** The message a record holds; null when unreadable. */
    static QueuedMessage decode(ConsumerRecord<byte[], byte[]> record) {
        String topic = header(record, MirrorHeaders.TOPIC);
        String qos = header(record, MirrorHeaders.QOS);
        if (topic == null || qos == null || !qos.matches("[12]") || record.value() == null) {
            return null;
        }
        int packetId = 0;
        String id = header(record, PACKET_ID);
        if (id != null) {
            try {
                packetId = Integer.parseInt(id);
            } catch (NumberFormatException e) {
                return null;
            }
            if (packetId < 1 || packetId > 65_535) {
                return null;
            }
        }
        Message message = new Message(topic, record.value(), qos.charAt(0) - '0', "true".equals(header(record, MirrorHeaders.RETAIN)),
                header(record, MirrorHeaders.CLIENT_ID), header(record, MirrorHeaders.USERNAME), record.timestamp(),
                PropertyHeaders.read(record.headers()));
        return new QueuedMessage(message, message.qos(), packetId);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
