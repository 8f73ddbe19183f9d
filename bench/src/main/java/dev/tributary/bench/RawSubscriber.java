package dev.tributary.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.tributary.testsupport.MqttBytes;

/**
 * A minimal MQTT 3.1.1 subscriber on a plain socket: it subscribes, counts PUBLISH packets and
 * acknowledges them, and nothing else. The benchmark measures brokers, so the receiving side must
 * never be the bottleneck or drop anything itself (a full client library may shed QoS 0 under
 * load, which would be counted against the broker).
 */
final class RawSubscriber implements AutoCloseable {

    final LongAdder received = new LongAdder();
    volatile long lastReceivedNanos;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Thread reader;
    private final Consumer<byte[]> onPayload;

    RawSubscriber(int port, String clientId, String filter, int qos, Consumer<byte[]> onPayload) throws IOException {
        this.onPayload = onPayload;
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setReceiveBufferSize(1 << 20);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        out.write(MqttBytes.connect(clientId, 600));
        out.flush();
        in.readFully(new byte[4]); // CONNACK
        out.write(MqttBytes.subscribe(filter, qos));
        out.flush();
        int type = in.readUnsignedByte();
        byte[] suback = new byte[readLength()];
        in.readFully(suback);
        if (type != 0x90 || (suback[2] & 0x80) != 0) {
            throw new IOException("subscription to " + filter + " refused");
        }
        reader = new Thread(this::read, "raw-subscriber-" + clientId);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buffer = new byte[1 << 16];
        try {
            while (true) {
                int header = in.readUnsignedByte();
                int length = readLength();
                if (buffer.length < length) {
                    buffer = new byte[length];
                }
                in.readFully(buffer, 0, length);
                int type = header >> 4;
                if (type == 3) {
                    int qos = (header >> 1) & 3;
                    int topicLength = ((buffer[0] & 0xFF) << 8) | (buffer[1] & 0xFF);
                    int offset = 2 + topicLength;
                    if (qos > 0) {
                        // PUBACK for QoS 1, PUBREC for QoS 2 (PUBREL is answered below)
                        out.write(qos == 1 ? 0x40 : 0x50);
                        out.write(2);
                        out.write(buffer[offset]);
                        out.write(buffer[offset + 1]);
                        offset += 2;
                    }
                    received.increment();
                    lastReceivedNanos = System.nanoTime();
                    if (onPayload != null) {
                        byte[] payload = new byte[length - offset];
                        System.arraycopy(buffer, offset, payload, 0, payload.length);
                        onPayload.accept(payload);
                    }
                } else if (type == 6) {
                    out.write(0x70);
                    out.write(2);
                    out.write(buffer[0]);
                    out.write(buffer[1]);
                }
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (EOFException | java.net.SocketException closed) {
            // the benchmark closed us
        } catch (IOException e) {
            System.err.println("subscriber failed: " + e);
        }
    }

    private int readLength() throws IOException {
        return MqttBytes.readRemainingLength(in);
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(0xE0); // DISCONNECT
            out.write(0);
            out.flush();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
