package dev.tributary.edge.mqtt;

/**
 * MQTT 5 reason codes the server sends in PUBACK, PUBREC, SUBACK, UNSUBACK and DISCONNECT (MQTT 5.0
 * section 2.4). MQTT 3.1.1 has none of them: the codec writes none to a 3.1.1 client.
 */
public final class ReasonCode {

    public static final int SUCCESS = 0x00;
    public static final int DISCONNECT_WITH_WILL = 0x04;
    public static final int NO_MATCHING_SUBSCRIBERS = 0x10;
    public static final int NO_SUBSCRIPTION_EXISTED = 0x11;
    public static final int UNSPECIFIED_ERROR = 0x80;
    public static final int MALFORMED_PACKET = 0x81;
    public static final int PROTOCOL_ERROR = 0x82;
    public static final int NOT_AUTHORIZED = 0x87;
    public static final int SERVER_SHUTTING_DOWN = 0x8B;
    public static final int KEEP_ALIVE_TIMEOUT = 0x8D;
    public static final int SESSION_TAKEN_OVER = 0x8E;
    public static final int TOPIC_FILTER_INVALID = 0x8F;
    public static final int TOPIC_NAME_INVALID = 0x90;
    public static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
    public static final int TOPIC_ALIAS_INVALID = 0x94;
    public static final int PACKET_TOO_LARGE = 0x95;
    public static final int QUOTA_EXCEEDED = 0x97;
    public static final int ADMINISTRATIVE_ACTION = 0x98;
    public static final int PAYLOAD_FORMAT_INVALID = 0x99;
    public static final int SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E;
    public static final int SUBSCRIPTION_IDS_NOT_SUPPORTED = 0xA1;

    private ReasonCode() {
    }
}
