package dev.tributary.edge.mqtt;

/**
 * An application message as the broker routes it: accepted from a publisher (or a will, or
 * $SYS), delivered to every matching subscription. The payload array is shared by every
 * delivery and never modified.
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, String clientId, String username,
        long acceptedAtMillis) {

    public Message withRetain(boolean flag) {
        return flag == retain ? this : new Message(topic, payload, qos, flag, clientId, username, acceptedAtMillis);
    }
}
