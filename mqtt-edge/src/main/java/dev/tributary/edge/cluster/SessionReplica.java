package dev.tributary.edge.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import dev.tributary.edge.subscriptions.TopicTree;

/**
 * This node's copy of the sessions topic: for every persistent session, the offset and value of its last record
 * and the node holding it; and the index of the offline ones: their subscriptions in a topic tree, so that a
 * message is matched against all offline sessions at the cost of its topic's levels. Records are applied in
 * offset order; one older than what is known (this node applies its own writes before it reads them back) is
 * ignored.
 *
 * <p>Heap per offline session: its client id, the record's bytes, one entry in each map and its filters in the
 * tree (measured in {@code SessionReplicaTest}).
 */
final class SessionReplica {

    /** The last record of a session: its offset, the node holding it (empty while offline) and its bytes. */
    record Known(long offset, String owner, byte[] value) {
    }

    /** An offline session as the index keeps it, with what this node queued for it since it went offline. */
    static final class Offline {
        final long offset;
        final String lastOwner;
        final String[] filters;
        int queued;
        long queuedBytes;

        Offline(long offset, String lastOwner, String[] filters) {
            this.offset = offset;
            this.lastOwner = lastOwner;
            this.filters = filters;
        }
    }

    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Offline> offline = new ConcurrentHashMap<>();
    private final TopicTree tree = new TopicTree();
    /** Node ids, shared by every record that names them. */
    private final Map<String, String> nodeIds = new ConcurrentHashMap<>();
    /** Sessions being opened here: their index entry stays until they are in this node's tree. */
    private final Set<String> opening = ConcurrentHashMap.newKeySet();

    /**
     * Applies the record at {@code offset} ({@code value} null: a tombstone). Returns false when the value is
     * unreadable (nothing changed then).
     */
    synchronized boolean apply(String clientId, long offset, byte[] value) {
        Known current = known.get(clientId);
        if (current != null && current.offset() >= offset) {
            return true;
        }
        if (value == null) {
            known.remove(clientId);
            removeOffline(clientId);
            return true;
        }
        SessionRecord record = SessionRecord.decode(value);
        if (record == null) {
            return false;
        }
        known.put(clientId, new Known(offset, node(record.owner()), value));
        if (record.offline()) {
            removeOffline(clientId);
            Offline entry = new Offline(offset, node(record.lastOwner()), record.subscriptions().keySet().toArray(String[]::new));
            offline.put(clientId, entry);
            record.subscriptions().forEach((filter, qos) -> tree.subscribe(clientId, filter, qos));
        } else if (!opening.contains(clientId)) {
            removeOffline(clientId);
        }
        return true;
    }

    /** The session is being opened here: its index entry stays until {@link #opened}. */
    void opening(String clientId) {
        opening.add(clientId);
    }

    /** The session is in this node's tree: it leaves the index. */
    synchronized void opened(String clientId) {
        opening.remove(clientId);
        removeOffline(clientId);
    }

    private void removeOffline(String clientId) {
        Offline gone = offline.remove(clientId);
        if (gone != null) {
            for (String filter : gone.filters) {
                tree.unsubscribe(clientId, filter);
            }
        }
    }

    private String node(String id) {
        return id.isEmpty() ? "" : nodeIds.computeIfAbsent(id, n -> n);
    }

    Known known(String clientId) {
        return known.get(clientId);
    }

    void forEachKnown(BiConsumer<String, Known> action) {
        known.forEach(action);
    }

    /** Offline sessions whose subscriptions match {@code topic}, with the highest granted QoS of each. */
    Map<String, Integer> matchOffline(String topic) {
        return tree.match(topic);
    }

    Offline offline(String clientId) {
        return offline.get(clientId);
    }

    boolean hasOffline() {
        return !offline.isEmpty();
    }

    int offlineCount() {
        return offline.size();
    }

    int size() {
        return known.size();
    }
}
