package dev.tributary.edge.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.tributary.testsupport.MqttBytes;

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

    /** A 3.1.1 CONNECT: clean session, keep alive as given, optional will (QoS 0). */
    RawMqttSocket connect(String clientId, int keepAlive, String willTopic, String willMessage) throws IOException {
        return send(MqttBytes.connect(clientId, keepAlive, null, null, willTopic,
                willMessage == null ? null : willMessage.getBytes(StandardCharsets.UTF_8)));
    }

    /** The bytes of a 3.1.1 CONNECT with clean session, keep alive 60 and no will. */
    static byte[] connectPacket(String clientId) {
        return MqttBytes.connect(clientId, 60);
    }

    /** Reads one CONNACK and returns its return code. */
    int connackCode() throws IOException {
        byte[] connack = in.readNBytes(4);
        if (connack.length < 4 || connack[0] != 0x20) {
            throw new IOException("expected CONNACK, got " + connack.length + " bytes");
        }
        return connack[3];
    }

    /** Reads one packet: its first byte, then its body as the remaining length gives it. */
    byte[] readPacket() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new IOException("closed");
        }
        byte[] body = in.readNBytes(MqttBytes.readRemainingLength(in));
        byte[] packet = new byte[body.length + 1];
        packet[0] = (byte) first;
        System.arraycopy(body, 0, packet, 1, body.length);
        return packet;
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
