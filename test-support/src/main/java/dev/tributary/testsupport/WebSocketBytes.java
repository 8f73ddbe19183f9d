package dev.tributary.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A WebSocket client's bytes (RFC 6455) written by hand, for what no client library sends: an upgrade
 * trickled byte by byte, MQTT packets cut across frames at any point, frames of the wrong kind. The
 * server's frames are not parsed: a hostile client only drains them.
 */
public final class WebSocketBytes {

    /** RFC 6455 5.2 opcodes. */
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9;

    private WebSocketBytes() {
    }

    /** The HTTP upgrade request of MQTT over WebSocket: {@code path} (e.g. /mqtt), subprotocol mqtt [MQTT-6.0.0-3]. */
    public static byte[] upgradeRequest(String host, int port, String path, Random random) {
        byte[] key = new byte[16];
        random.nextBytes(key);
        return ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the server's answer to an upgrade up to its blank line and returns its status code (101 when
     * the upgrade was accepted).
     */
    public static int readUpgradeResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade after " + head.size() + " bytes");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16_384) {
                throw new IOException("upgrade response longer than 16 KiB");
            }
        }
        String status = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
        String[] parts = status.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + status);
        }
        return Integer.parseInt(parts[1]);
    }

    /** A client frame (masked, as RFC 6455 5.3 requires of a client) of {@code opcode} carrying {@code payload}. */
    public static byte[] frame(int opcode, boolean fin, byte[] payload, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | (opcode & 0x0F));
        int length = payload.length;
        if (length < 126) {
            out.write(0x80 | length);
        } else if (length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write(length >> 8);
            out.write(length & 0xFF);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >> shift) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        out.writeBytes(mask);
        for (int i = 0; i < length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    /** One final binary frame: how MQTT packets travel over WebSocket [MQTT-6.0.0-1]. */
    public static byte[] binary(byte[] payload, Random random) {
        return frame(BINARY, true, payload, random);
    }
}
