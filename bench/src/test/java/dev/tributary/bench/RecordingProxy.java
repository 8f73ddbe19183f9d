package dev.tributary.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of a broker that keeps every byte of every connection, each direction on its
 * own: how the fuzzer's seed corpus is recorded from real clients.
 */
final class RecordingProxy implements AutoCloseable {

    /** One proxied connection: what the client sent and what the broker sent, complete once {@link #await} returns. */
    static final class Recording {
        final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream fromBroker = new ByteArrayOutputStream();
        private final CountDownLatch ended = new CountDownLatch(2);

        boolean await(long seconds) throws InterruptedException {
            return ended.await(seconds, TimeUnit.SECONDS);
        }
    }

    private final ServerSocket server;
    private final int brokerPort;
    private final List<Recording> recordings = new ArrayList<>();
    private final Thread acceptor;

    RecordingProxy(int brokerPort) throws IOException {
        this.brokerPort = brokerPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "recording-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The connections so far, in the order they were accepted. */
    synchronized List<Recording> recordings() {
        return List.copyOf(recordings);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket();
                broker.connect(new InetSocketAddress("127.0.0.1", brokerPort), 5_000);
                Recording recording = new Recording();
                synchronized (this) {
                    recordings.add(recording);
                }
                pump(client, broker, recording.fromClient, recording);
                pump(broker, client, recording.fromBroker, recording);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, ByteArrayOutputStream record, Recording recording) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (record) {
                        record.write(buffer, 0, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // either side went away: the recording ends here
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException alreadyClosed) {
                    // nothing more to pass on
                }
                recording.ended.countDown();
                if (recording.ended.getCount() == 0) {
                    close(from);
                    close(to);
                }
            }
        }, "recording-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was left to do
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
