package dev.tributary.common.mirror;

/**
 * Header names of a raw mirror record (edge → Kafka), the contract between mqtt-edge and every
 * consumer of the mirror topics. Values are UTF-8 strings (but correlation data, which is the publisher's bytes); MQTT 5 user properties are carried
 * as headers named {@link #USER_PROPERTY_PREFIX} + the property name.
 */
public final class MirrorHeaders {

    public static final String TOPIC = "mqtt.topic";
    public static final String QOS = "mqtt.qos";
    public static final String RETAIN = "mqtt.retain";
    public static final String CLIENT_ID = "mqtt.client_id";
    public static final String USERNAME = "mqtt.username";
    public static final String NODE = "mqtt.node";
    public static final String CONTENT_TYPE = "mqtt.content_type";
    /** {@code utf-8} when the publisher set the MQTT 5 payload format indicator to 1 (and the edge checked it). */
    public static final String PAYLOAD_FORMAT = "mqtt.payload_format";
    /** The MQTT 5 message expiry interval in seconds as published, counted from the record's timestamp. */
    public static final String MESSAGE_EXPIRY = "mqtt.message_expiry";
    public static final String RESPONSE_TOPIC = "mqtt.response_topic";
    public static final String CORRELATION_DATA = "mqtt.correlation_data";
    public static final String USER_PROPERTY_PREFIX = "mqtt.user.";

    private MirrorHeaders() {
    }
}
