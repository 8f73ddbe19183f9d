package dev.tributary.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Hand-written MQTT 3.1.1 bytes, for what no client library sends (malformed or oversize packets,
 * fragmented frames) and for clients so small they can never be the bottleneck of a benchmark.
 * The one place outside the broker's codec that knows the packet framing.
 */
public final class MqttBytes {

    private MqttBytes() {
    }

    /** A packet: the fixed header's first byte, the remaining length [MQTT-2.2.3], the body. */
    public static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 5);
        out.write(firstByte);
        out.writeBytes(remainingLength(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The bytes of a remaining length [MQTT-2.2.3]: 7 bits each, low first, the top bit saying more follow. */
    public static byte[] remainingLength(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4);
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        return out.toByteArray();
    }

    /** Reads a remaining length [MQTT-2.2.3] from {@code in}. */
    public static int readRemainingLength(InputStream in) throws IOException {
        int value = 0;
        int multiplier = 1;
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            value += (b & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((b & 0x80) != 0);
        return value;
    }

    /**
     * The whole packets of a recorded byte stream, in order, split by their fixed headers [MQTT-2.2.3] (the
     * framing is the same in MQTT 3.1, 3.1.1 and 5); bytes of an incomplete last packet are left out.
     */
    public static List<byte[]> split(byte[] stream) {
        List<byte[]> packets = new ArrayList<>();
        int at = 0;
        while (at + 2 <= stream.length) {
            int length = 0;
            int multiplier = 1;
            int i = at + 1;
            int b;
            do {
                if (i >= stream.length || i - at > 4) {
                    return packets; // incomplete, or a remaining length of more than 4 bytes: not a packet
                }
                b = stream[i++] & 0xFF;
                length += (b & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((b & 0x80) != 0);
            if (i + length > stream.length) {
                return packets;
            }
            packets.add(Arrays.copyOfRange(stream, at, i + length));
            at = i + length;
        }
        return packets;
    }

    /** The packet type of a first byte, by its name in the specification (15 is MQTT 5's AUTH). */
    public static String typeName(int firstByte) {
        return TYPE_NAMES[(firstByte >> 4) & 0x0F];
    }

    private static final String[] TYPE_NAMES = { "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
            "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
            "AUTH" };

    /** Lower-case hex, no separators: how recorded packets are stored. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] fromHex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** A CONNECT (MQTT 3.1.1, clean session, no credentials, no will). */
    public static byte[] connect(String clientId, int keepAlive) {
        return connect(clientId, keepAlive, null, null, null, null);
    }

    /** A CONNECT (MQTT 3.1.1) with clean session 0: the broker keeps the session after the connection ends. */
    public static byte[] connectKeepingSession(String clientId, int keepAlive) {
        return connect(clientId, keepAlive, null, null, null, null, false);
    }

    /**
     * A CONNECT (MQTT 3.1.1, clean session), with user name and password when {@code username} is not
     * null, and a QoS 0 will when {@code willTopic} is not null.
     */
    public static byte[] connect(String clientId, int keepAlive, String username, byte[] password, String willTopic,
            byte[] willMessage) {
        return connect(clientId, keepAlive, username, password, willTopic, willMessage, true);
    }

    private static byte[] connect(String clientId, int keepAlive, String username, byte[] password, String willTopic,
            byte[] willMessage, boolean cleanSession) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT".getBytes(StandardCharsets.US_ASCII));
        body.write(4); // protocol level 3.1.1
        body.write((cleanSession ? 0x02 : 0) | (willTopic != null ? 0x04 : 0) | (username != null ? 0xC0 : 0));
        body.write(keepAlive >> 8);
        body.write(keepAlive & 0xFF);
        writeString(body, clientId.getBytes(StandardCharsets.UTF_8));
        if (willTopic != null) {
            writeString(body, willTopic.getBytes(StandardCharsets.UTF_8));
            writeString(body, willMessage);
        }
        if (username != null) {
            writeString(body, username.getBytes(StandardCharsets.UTF_8));
            writeString(body, password);
        }
        return packet(0x10, body.toByteArray());
    }

    /** A SUBSCRIBE of one filter with packet id 1. */
    public static byte[] subscribe(String filter, int qos) {
        return subscribe(1, List.of(filter), qos);
    }

    /** A SUBSCRIBE of {@code filters}, each at {@code qos}. */
    public static byte[] subscribe(int packetId, List<String> filters, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId & 0xFF);
        for (String filter : filters) {
            writeString(body, filter.getBytes(StandardCharsets.UTF_8));
            body.write(qos);
        }
        return packet(0x82, body.toByteArray());
    }

    /** A PUBLISH (no DUP flag); {@code packetId} is written for QoS 1 and 2 only. */
    public static byte[] publish(String topic, byte[] payload, int qos, boolean retain, int packetId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic.getBytes(StandardCharsets.UTF_8));
        if (qos > 0) {
            body.write(packetId >> 8);
            body.write(packetId & 0xFF);
        }
        body.writeBytes(payload);
        return packet(0x30 | qos << 1 | (retain ? 1 : 0), body.toByteArray());
    }

    /** A string or binary field: two length bytes, then the bytes. */
    public static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }
}
