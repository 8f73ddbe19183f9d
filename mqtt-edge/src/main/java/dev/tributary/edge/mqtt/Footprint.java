package dev.tributary.edge.mqtt;

/**
 * What a packet or message held in memory costs, in bytes, as every byte limit of the edge counts it: its
 * payload and topic plus a fixed allowance for the objects around them, so that a flood of empty messages
 * is bounded as well as a few large ones. An estimate, deliberately on the high side.
 */
public final class Footprint {

    /** The record, its strings' headers, the queue or map entry that holds it. */
    static final int OVERHEAD = 96;

    private Footprint() {
    }

    public static long of(Message message) {
        return OVERHEAD + message.payload().length + 2L * message.topic().length();
    }

    public static long of(Packet packet) {
        if (packet instanceof Packet.Publish p) {
            return OVERHEAD + p.payload().length + 2L * p.topic().length();
        }
        if (packet instanceof Packet.Subscribe s) {
            long bytes = OVERHEAD;
            for (Packet.Subscription subscription : s.subscriptions()) {
                bytes += 32 + 2L * subscription.filter().length();
            }
            return bytes;
        }
        if (packet instanceof Packet.Unsubscribe u) {
            long bytes = OVERHEAD;
            for (String filter : u.filters()) {
                bytes += 32 + 2L * filter.length();
            }
            return bytes;
        }
        return OVERHEAD;
    }
}
