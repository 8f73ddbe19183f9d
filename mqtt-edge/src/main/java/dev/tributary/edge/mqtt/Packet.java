package dev.tributary.edge.mqtt;

import java.util.List;

/**
 * MQTT control packets as plain data: what the protocol state machine reads and writes. The
 * transport converts them to and from Netty's codec types (see the codec package), so nothing
 * here holds a buffer or a channel.
 */
public sealed interface Packet {

    /** A CONNECT's Last Will. */
    record Will(String topic, byte[] payload, int qos, boolean retain) {
    }

    record Connect(int protocolLevel, String clientId, boolean cleanSession, int keepAliveSeconds,
            String username, byte[] password, Will will) implements Packet {
    }

    /** CONNACK return codes of MQTT 3.1.1 section 3.2.2.3. */
    enum ConnectCode {
        ACCEPTED, UNACCEPTABLE_PROTOCOL_VERSION, IDENTIFIER_REJECTED, SERVER_UNAVAILABLE,
        BAD_USERNAME_OR_PASSWORD, NOT_AUTHORIZED
    }

    record ConnAck(ConnectCode code, boolean sessionPresent) implements Packet {
    }

    /** {@code packetId} is 0 for QoS 0. */
    record Publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId) implements Packet {
    }

    record PubAck(int packetId) implements Packet {
    }

    record PubRec(int packetId) implements Packet {
    }

    record PubRel(int packetId) implements Packet {
    }

    record PubComp(int packetId) implements Packet {
    }

    record Subscription(String filter, int qos) {
    }

    record Subscribe(int packetId, List<Subscription> subscriptions) implements Packet {
    }

    /** SUBACK return code for a refused filter [MQTT-3.9.3]. */
    int SUBACK_FAILURE = 0x80;

    record SubAck(int packetId, List<Integer> codes) implements Packet {
    }

    record Unsubscribe(int packetId, List<String> filters) implements Packet {
    }

    record UnsubAck(int packetId) implements Packet {
    }

    record PingReq() implements Packet {
    }

    record PingResp() implements Packet {
    }

    record Disconnect() implements Packet {
    }
}
