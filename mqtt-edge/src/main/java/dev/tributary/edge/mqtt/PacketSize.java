package dev.tributary.edge.mqtt;

import dev.tributary.common.topic.Topics;

/**
 * The encoded size of an MQTT 5 PUBLISH, fixed header included, as a client's Maximum Packet Size counts
 * it [MQTT-3.1.2-24]: computed from the packet, without encoding it.
 */
public final class PacketSize {

    private PacketSize() {
    }

    public static long publish(Packet.Publish p) {
        long properties = properties(p.properties());
        long remaining = 2L + Topics.utf8Length(p.topic()) + (p.qos() > 0 ? 2 : 0) + varIntLength(properties)
                + properties + p.payload().length;
        return 1 + varIntLength(remaining) + remaining;
    }

    static long properties(PublishProperties p) {
        if (p == PublishProperties.NONE) {
            return 0;
        }
        long n = 0;
        if (p.payloadFormat() >= 0) {
            n += 2;
        }
        if (p.messageExpirySeconds() >= 0) {
            n += 5;
        }
        if (p.topicAlias() > 0) {
            n += 3;
        }
        if (p.contentType() != null) {
            n += 3 + Topics.utf8Length(p.contentType());
        }
        if (p.responseTopic() != null) {
            n += 3 + Topics.utf8Length(p.responseTopic());
        }
        if (p.correlationData() != null) {
            n += 3 + p.correlationData().length;
        }
        for (UserProperty u : p.userProperties()) {
            n += 5 + Topics.utf8Length(u.name()) + Topics.utf8Length(u.value());
        }
        for (int id : p.subscriptionIds()) {
            n += 1 + varIntLength(id);
        }
        return n;
    }

    /** Bytes of a Variable Byte Integer [MQTT-1.5.5]. */
    static int varIntLength(long value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }
}
