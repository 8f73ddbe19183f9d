package dev.tributary.edge.protocol;

import java.util.ArrayList;
import java.util.List;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.ClientLink;

/** A {@link ClientLink} that records what the state machine sends and runs tasks at once. */
final class RecordingLink implements ClientLink {

    final List<Packet> sent = new ArrayList<>();
    boolean closed;
    boolean writable = true;

    @Override
    public synchronized void send(Packet packet) {
        sent.add(packet);
    }

    @Override
    public void write(Packet packet) {
        send(packet);
    }

    @Override
    public void flush() {
        // recorded on write
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    boolean readingPaused;

    @Override
    public void pauseReading() {
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        readingPaused = false;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String remoteAddress() {
        return "test";
    }

    String commonName;

    @Override
    public String certificateCommonName() {
        return commonName;
    }

    synchronized <T extends Packet> List<T> sent(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }

    synchronized Packet last() {
        return sent.get(sent.size() - 1);
    }

    synchronized void clear() {
        sent.clear();
    }
}
