package dev.tributary.edge.session;

import java.util.Map;
import java.util.Optional;

/**
 * Where persistent sessions' subscriptions outlive a node. In memory now; the Kafka-backed
 * version (a compacted topic each edge replicates) answers {@link #load} from its local replica,
 * which is why it may be called on the connection's thread.
 */
public interface SessionStore {

    Optional<Map<String, Integer>> load(String clientId);

    void save(String clientId, Map<String, Integer> subscriptions);

    void remove(String clientId);
}
