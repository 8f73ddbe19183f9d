package dev.tributary.edge.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain TCP socket speaking hand-written MQTT bytes: for what no client library will send. */
final class RawMqttSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    RawMqttSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        in = socket.getInputStream();
    }

    RawMqttSocket send(int... bytes) throws IOException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return send(raw);
    }

    RawMqttSocket send(byte[] raw) throws IOException {
        socket.getOutputStream().write(raw);
        socket.getOutputStream().flush();
        return this;
    }

    /** A 3.1.1 CONNECT: clean session, keep alive as given, optional will. */
    RawMqttSocket connect(String clientId, int keepAlive, String willTopic, String willMessage) throws IOException {
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        writeString(variable, "MQTT");
        variable.write(4); // protocol level 3.1.1
        variable.write(0x02 | (willTopic != null ? 0x04 : 0)); // clean session (+ will, QoS 0)
        variable.write(keepAlive >> 8);
        variable.write(keepAlive & 0xFF);
        writeString(variable, clientId);
        if (willTopic != null) {
            writeString(variable, willTopic);
            writeString(variable, willMessage);
        }
        return send(packet(0x10, variable.toByteArray()));
    }

    /** The bytes of a 3.1.1 CONNECT with clean session, keep alive 60 and no will. */
    static byte[] connectPacket(String clientId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4);
        body.write(0x02);
        body.write(0);
        body.write(60);
        writeString(body, clientId);
        return packet(0x10, body.toByteArray());
    }

    /** Reads one CONNACK and returns its return code. */
    int connackCode() throws IOException {
        byte[] connack = in.readNBytes(4);
        if (connack.length < 4 || connack[0] != 0x20) {
            throw new IOException("expected CONNACK, got " + connack.length + " bytes");
        }
        return connack[3];
    }

    /** Whether the server closes the connection within {@code timeout}, ignoring anything it sends first. */
    boolean closedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (in.read() >= 0) {
                // drain until end of stream
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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

    static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
