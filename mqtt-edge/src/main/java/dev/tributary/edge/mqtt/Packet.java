package dev.tributary.edge.mqtt;

import java.util.List;

/**
 * MQTT control packets as plain data: what the protocol state machine reads and writes. The
 * transport converts them to and from Netty's codec types (see the codec package), so nothing
 * here holds a buffer or a channel.
 */
public sealed interface Packet {

    /** The protocol level of MQTT 5.0 in CONNECT. */
    int MQTT_5 = 5;

    /** A CONNECT's Last Will; {@code properties} are its MQTT 5 will properties (NONE in 3.1.1). */
    record Will(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties, long delaySeconds) {
        public Will {
            if (properties == null) {
                properties = PublishProperties.NONE;
            }
        }

        public Will(String topic, byte[] payload, int qos, boolean retain) {
            this(topic, payload, qos, retain, PublishProperties.NONE, 0);
        }
    }

    /**
     * {@code properties} is null for MQTT 3.1/3.1.1, the CONNECT properties for MQTT 5 (whose
     * {@code cleanSession} is the Clean Start flag).
     */
    record Connect(int protocolLevel, String clientId, boolean cleanSession, int keepAliveSeconds,
            String username, byte[] password, Will will, ConnectProperties properties) implements Packet {

        public Connect(int protocolLevel, String clientId, boolean cleanSession, int keepAliveSeconds,
                String username, byte[] password, Will will) {
            this(protocolLevel, clientId, cleanSession, keepAliveSeconds, username, password, will, null);
        }
    }

    /**
     * The MQTT 5 CONNECT properties [MQTT-3.1.2.11]. Absent values are given their defaults: session expiry
     * 0, receive maximum 65,535, no packet size limit (-1), topic alias maximum 0.
     */
    record ConnectProperties(long sessionExpirySeconds, int receiveMaximum, long maximumPacketSize,
            int topicAliasMaximum, boolean requestResponseInformation, boolean requestProblemInformation,
            List<UserProperty> userProperties, String authenticationMethod) {

        public static final ConnectProperties DEFAULTS = new ConnectProperties(0, 65_535, -1, 0, false, true, List.of(), null);
    }

    /**
     * Why a CONNECT was refused, with its code in MQTT 3.1.1 (section 3.2.2.3) and in MQTT 5 (3.2.2.2): the
     * codes MQTT 5 added fall back to the nearest 3.1.1 one for older clients.
     */
    enum ConnectCode {
        ACCEPTED(0, 0x00),
        UNACCEPTABLE_PROTOCOL_VERSION(1, 0x84),
        IDENTIFIER_REJECTED(2, 0x85),
        SERVER_UNAVAILABLE(3, 0x88),
        BAD_USERNAME_OR_PASSWORD(4, 0x86),
        NOT_AUTHORIZED(5, 0x87),
        UNSPECIFIED_ERROR(3, 0x80),
        MALFORMED_PACKET(3, 0x81),
        PROTOCOL_ERROR(3, 0x82),
        SERVER_BUSY(3, 0x89),
        BAD_AUTHENTICATION_METHOD(5, 0x8C),
        TOPIC_NAME_INVALID(3, 0x90),
        PACKET_TOO_LARGE(3, 0x95),
        QUOTA_EXCEEDED(3, 0x97),
        PAYLOAD_FORMAT_INVALID(3, 0x99),
        QOS_NOT_SUPPORTED(3, 0x9B),
        CONNECTION_RATE_EXCEEDED(3, 0x9F);

        private final int v3;
        private final int v5;

        ConnectCode(int v3, int v5) {
            this.v3 = v3;
            this.v5 = v5;
        }

        /** The return code for a client of {@code protocolLevel}. */
        public int code(int protocolLevel) {
            return protocolLevel >= MQTT_5 ? v5 : v3;
        }
    }

    /**
     * {@code properties} null answers a 3.1/3.1.1 client; non-null (possibly empty) an MQTT 5 one, and
     * then {@code code} is written as its MQTT 5 reason code.
     */
    record ConnAck(ConnectCode code, boolean sessionPresent, ConnAckProperties properties) implements Packet {
        public ConnAck(ConnectCode code, boolean sessionPresent) {
            this(code, sessionPresent, null);
        }
    }

    /**
     * What the server tells an MQTT 5 client in CONNACK [MQTT-3.2.2.3]. A value of -1 (or null) leaves the
     * property out, which means its default to the client.
     */
    record ConnAckProperties(long sessionExpirySeconds, int receiveMaximum, int maximumQos, boolean retainAvailable,
            long maximumPacketSize, String assignedClientId, int topicAliasMaximum, String reasonString,
            boolean wildcardAvailable, boolean subscriptionIdsAvailable, boolean sharedSubscriptionsAvailable,
            int serverKeepAlive, String responseInformation) {

        /** A refusal's: only the reason string. */
        public static ConnAckProperties refusal(String reasonString) {
            return new ConnAckProperties(-1, -1, -1, true, -1, null, 0, reasonString, true, true, true, -1, null);
        }
    }

    /**
     * {@code packetId} is 0 for QoS 0; {@code properties} are the MQTT 5 properties
     * ({@link PublishProperties#NONE} in 3.1.1, where the codec writes none anyway).
     */
    record Publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId,
            PublishProperties properties) implements Packet {

        public Publish {
            if (properties == null) {
                properties = PublishProperties.NONE;
            }
        }

        public Publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId) {
            this(topic, payload, qos, retain, dup, packetId, PublishProperties.NONE);
        }
    }

    record PubAck(int packetId, int reasonCode) implements Packet {
        public PubAck(int packetId) {
            this(packetId, ReasonCode.SUCCESS);
        }
    }

    record PubRec(int packetId, int reasonCode) implements Packet {
        public PubRec(int packetId) {
            this(packetId, ReasonCode.SUCCESS);
        }
    }

    record PubRel(int packetId) implements Packet {
    }

    record PubComp(int packetId) implements Packet {
    }

    /**
     * One filter of a SUBSCRIBE with its MQTT 5 subscription options [MQTT-3.8.3.1] (all false / 0 in 3.1.1):
     * no local, retain as published, retain handling (0 send retained, 1 only for a new subscription, 2 never).
     */
    record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
        public Subscription(String filter, int qos) {
            this(filter, qos, false, false, 0);
        }

        /** Whether the options differ from what a 3.1.1 subscription means. */
        public boolean hasOptions() {
            return noLocal || retainAsPublished || retainHandling != 0;
        }
    }

    /** {@code subscriptionId}: the MQTT 5 subscription identifier, 0 when absent. */
    record Subscribe(int packetId, List<Subscription> subscriptions, int subscriptionId) implements Packet {
        public Subscribe(int packetId, List<Subscription> subscriptions) {
            this(packetId, subscriptions, 0);
        }
    }

    /** SUBACK return code for a refused filter [MQTT-3.9.3]. */
    int SUBACK_FAILURE = 0x80;

    record SubAck(int packetId, List<Integer> codes) implements Packet {
    }

    record Unsubscribe(int packetId, List<String> filters) implements Packet {
    }

    /** {@code codes}: MQTT 5 reason codes, one per filter; empty for 3.1.1 (which has none). */
    record UnsubAck(int packetId, List<Integer> codes) implements Packet {
        public UnsubAck(int packetId) {
            this(packetId, List.of());
        }
    }

    record PingReq() implements Packet {
    }

    record PingResp() implements Packet {
    }

    /**
     * From a client: its reason code and, in MQTT 5, a new session expiry interval (-1 when absent). From the
     * server (MQTT 5 only): the reason it is closing the connection [MQTT-3.14.2.1].
     */
    record Disconnect(int reasonCode, long sessionExpirySeconds, String reasonString) implements Packet {
        public Disconnect() {
            this(0, -1, null);
        }
    }
}
