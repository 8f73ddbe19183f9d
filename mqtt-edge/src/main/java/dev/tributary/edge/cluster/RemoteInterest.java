package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import dev.tributary.edge.subscriptions.TopicTree;

/**
 * What this node knows of the other nodes: which filters each one's clients subscribed to, and whether it
 * is alive. Built from the interest topic, where each node writes one record per filter it has subscribers
 * for (key {@code <node> NUL <filter>}, value present; a tombstone when the last subscriber leaves) and a
 * heartbeat (key {@code <node> NUL}, the empty filter). A node is dead when this node has read its own
 * heartbeats for longer than the node timeout since the other's last one: nothing is sent to it, whatever
 * its records say, until it beats again.
 *
 * <p>Silence is measured against this node's own heartbeats read back from the topic, not against the
 * clock alone: while Kafka cannot serve the topic (a broker failing over takes longer than the node timeout),
 * no heartbeat arrives, this node's included, and no node is taken for dead. Taking them for dead would stop
 * acknowledged messages from reaching their subscribers and publish the wills of clients still connected.
 * When the topic is back, the heartbeats written during the stall arrive in no set order, this node's maybe
 * before the others': only an own heartbeat read soon after it was written (within half the node timeout)
 * moves this node's clock on, so the backlog cannot make a live node look silent for a moment.
 */
final class RemoteInterest {

    private static final char SEPARATOR = '\0';

    /** One record of the interest topic, decoded. */
    record Entry(String node, String filter) {

        boolean heartbeat() {
            return filter.isEmpty();
        }
    }

    private final String self;
    private final long timeoutNanos;
    private final LongSupplier clock;
    // a tree whose "clients" are node ids: matching a topic gives the nodes that want it
    private final TopicTree filters = new TopicTree();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    /** When this node's own heartbeat was last read back: the clock the others' silence is measured against. */
    private volatile long selfSeen;

    RemoteInterest(String self, long timeoutNanos, LongSupplier clock) {
        this.self = self;
        this.timeoutNanos = timeoutNanos;
        this.clock = clock;
        this.selfSeen = clock.getAsLong();
    }

    /** A key of the form {@code <first> NUL <second>}: node and filter here, client id and node for presence. */
    static byte[] key(String first, String second) {
        return (first + SEPARATOR + second).getBytes(StandardCharsets.UTF_8);
    }

    /** The two parts of such a key, or null for a key that is not one (skipped by the caller). */
    static String[] parts(byte[] key) {
        if (key == null) {
            return null;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        int at = text.indexOf(SEPARATOR);
        if (at <= 0) {
            return null;
        }
        return new String[] { text.substring(0, at), text.substring(at + 1) };
    }

    /** The record's node and filter, or null for a key that is not one (skipped by the caller). */
    static Entry entry(byte[] key) {
        String[] parts = parts(key);
        return parts == null ? null : new Entry(parts[0], parts[1]);
    }

    /** Applies a record of another node ({@code present} false for a tombstone); this node's own are ignored. */
    void apply(Entry entry, boolean present) {
        apply(entry, present, 0);
    }

    /**
     * Applies a record; {@code ageNanos}, how long ago a heartbeat was written, tells whether this node's own
     * heartbeat shows the topic flowing (read soon after it was written) or arrives from a backlog.
     */
    void apply(Entry entry, boolean present, long ageNanos) {
        if (entry.node().equals(self)) {
            if (entry.heartbeat() && present && ageNanos <= timeoutNanos / 2) {
                selfSeen = clock.getAsLong();
            }
            return;
        }
        if (entry.heartbeat()) {
            if (present) {
                lastSeen.put(entry.node(), clock.getAsLong());
            } else {
                lastSeen.remove(entry.node()); // stopped cleanly
            }
        } else if (present) {
            filters.subscribe(entry.node(), entry.filter(), 0);
        } else {
            filters.unsubscribe(entry.node(), entry.filter());
        }
    }

    /** The live nodes that have a subscriber for {@code topic}. */
    Set<String> nodesFor(String topic) {
        Map<String, Integer> matching = filters.match(topic);
        if (matching.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>(matching.size());
        for (String node : matching.keySet()) {
            if (alive(node)) {
                out.add(node);
            }
        }
        return out;
    }

    /** Whether {@code node}'s heartbeat is recent, measured against this node's own heartbeats. */
    boolean alive(String node) {
        Long seen = lastSeen.get(node);
        return seen != null && selfSeen - seen <= timeoutNanos;
    }

    /** The other nodes whose heartbeat is recent. */
    Set<String> liveNodeIds() {
        Set<String> out = new java.util.TreeSet<>();
        lastSeen.keySet().forEach(node -> {
            if (alive(node)) {
                out.add(node);
            }
        });
        return out;
    }

    /** Other nodes whose heartbeat is recent. */
    int liveNodes() {
        long self = selfSeen;
        int alive = 0;
        for (long seen : lastSeen.values()) {
            if (self - seen <= timeoutNanos) {
                alive++;
            }
        }
        return alive;
    }

    int filterCount() {
        return filters.size();
    }
}
