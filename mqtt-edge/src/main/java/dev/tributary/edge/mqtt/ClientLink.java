package dev.tributary.edge.mqtt;

/**
 * What the protocol state machine needs of a network connection, and nothing of how it is made
 * (the transport package implements it over a Netty channel; tests record it).
 */
public interface ClientLink {

    /** Queues a packet for the client and flushes; safe from any thread, keeps the order of calls. */
    void send(Packet packet);

    /** Queues a packet without flushing; call {@link #flush()} after a batch. Connection's thread only. */
    void write(Packet packet);

    void flush();

    /** False while the client reads slower than we write: QoS 0 messages are then dropped. */
    boolean isWritable();

    /**
     * Stops taking packets from the client (their bytes wait in the network's buffers), to hold a publisher
     * back while what it sent waits for the mirror. Connection's thread only.
     */
    void pauseReading();

    /** Takes packets from the client again. Connection's thread only. */
    void resumeReading();

    /** Runs {@code task} on the thread that handles this connection's packets. */
    void execute(Runnable task);

    /** Closes the network connection (idempotent). */
    void close();

    /** The client's address and port, for log lines. */
    String remoteAddress();

    /**
     * The client's address without its port: what failed logins are counted by. A client's every new
     * connection has a new port, so counting by address and port never throttled anyone.
     */
    default String remoteHost() {
        return remoteAddress();
    }

    /** The CN of the client certificate verified on this connection, or null (no TLS, or no certificate). */
    String certificateCommonName();

    /** The user a Unix socket peer's uid maps to (tributary.edge.unix-socket.peer-users), or null. */
    default String peerUser() {
        return null;
    }
}
