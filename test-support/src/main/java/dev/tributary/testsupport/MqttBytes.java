package dev.tributary.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        out.writeBytes(body);
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

    /** A CONNECT (MQTT 3.1.1, clean session, no credentials, no will). */
    public static byte[] connect(String clientId, int keepAlive) {
        return connect(clientId, keepAlive, null, null, null, null);
    }

    /**
     * A CONNECT (MQTT 3.1.1, clean session), with user name and password when {@code username} is not
     * null, and a QoS 0 will when {@code willTopic} is not null.
     */
    public static byte[] connect(String clientId, int keepAlive, String username, byte[] password, String willTopic,
            byte[] willMessage) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT".getBytes(StandardCharsets.US_ASCII));
        body.write(4); // protocol level 3.1.1
        body.write(0x02 | (willTopic != null ? 0x04 : 0) | (username != null ? 0xC0 : 0));
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

    /** A string or binary field: two length bytes, then the bytes. */
    public static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }
}
