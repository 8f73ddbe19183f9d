package dev.tributary.edge.mqtt;

/**
 * An application message as the broker routes it: accepted from a publisher (or a will, or
 * $SYS), delivered to every matching subscription. The payload array is shared by every
 * delivery and never modified. {@code properties} are its MQTT 5 properties
 * ({@link PublishProperties#NONE} for a message from a 3.1.1 client).
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, String clientId, String username,
        long acceptedAtMillis, PublishProperties properties) {

    public Message {
        if (properties == null) {
            properties = PublishProperties.NONE;
        }
    }

    public Message(String topic, byte[] payload, int qos, boolean retain, String clientId, String username,
            long acceptedAtMillis) {
        this(topic, payload, qos, retain, clientId, username, acceptedAtMillis, PublishProperties.NONE);
    }

    public Message withRetain(boolean flag) {
        return flag == retain ? this
                : new Message(topic, payload, qos, flag, clientId, username, acceptedAtMillis, properties);
    }

    /**
     * Seconds left of the message expiry interval at {@code nowMillis} [MQTT-3.3.2-5]: -1 when the message
     * does not expire, 0 when it has expired (it is then delivered to no one).
     */
    public long remainingExpirySeconds(long nowMillis) {
        long interval = properties.messageExpirySeconds();
        if (interval < 0) {
            return -1;
        }
        long elapsed = Math.max(0, nowMillis - acceptedAtMillis) / 1000;
        return Math.max(0, interval - elapsed);
    }

    public boolean expiredAt(long nowMillis) {
        return remainingExpirySeconds(nowMillis) == 0;
    }
}
