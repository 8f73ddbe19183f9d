package dev.tributary.testsupport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The well-behaved client of a hostile-input test: while an attack runs, it connects to the edge,
 * sends a CONNECT and times the CONNACK, to prove the edge still serves others. Any CONNACK is an
 * answer (an edge with authentication on may refuse the probe's credentials and still be serving).
 */
public final class ControlClient {

    /** The CONNACK's return code and the time from opening the TCP connection to reading it. */
    public record Answer(int code, Duration latency) {
    }

    private ControlClient() {
    }

    /**
     * Connects to {@code host:port} (from {@code localAddress} when not null, e.g. 127.0.0.2 to stand apart from
     * an attack on 127.0.0.1), sends {@code connect}, and waits up to {@code timeout} for the CONNACK; then
     * DISCONNECT. Fails when the edge does not answer in time or answers with something else.
     */
    public static Answer connect(String host, int port, InetAddress localAddress, byte[] connect, Duration timeout)
            throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis() - (System.nanoTime() - start) / 1_000_000));
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(connect);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] connack = readPacket(in);
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            if ((connack[0] & 0xF0) != 0x20 || connack.length < 4) {
                throw new IOException("expected a CONNACK, got " + MqttBytes.hex(connack));
            }
            out.write(new byte[] { (byte) 0xE0, 0 }); // DISCONNECT
            return new Answer(connack[3] & 0xFF, latency);
        }
    }

    /** A plain MQTT 3.1.1 CONNECT to probe with: client id {@code clientId}, with credentials when {@code username} is set. */
    public static byte[] connectPacket(String clientId, String username, String password) {
        return MqttBytes.connect(clientId, 0, username,
                password == null ? new byte[0] : password.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, null);
    }

    private static byte[] readPacket(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new IOException("connection closed without a CONNACK");
        }
        int length = MqttBytes.readRemainingLength(in);
        if (length > 1024) {
            throw new IOException("answer of " + length + " bytes is no CONNACK");
        }
        byte[] packet = new byte[length + 2];
        packet[0] = (byte) first;
        packet[1] = (byte) length;
        new DataInputStream(in).readFully(packet, 2, length);
        return packet;
    }
}
