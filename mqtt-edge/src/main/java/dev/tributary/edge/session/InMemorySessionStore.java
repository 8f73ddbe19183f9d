package dev.tributary.edge.session;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Persistent sessions' subscriptions in this node's memory. */
public final class InMemorySessionStore implements SessionStore {

    private final ConcurrentHashMap<String, Map<String, Integer>> byClientId = new ConcurrentHashMap<>();

    @Override
    public Optional<Map<String, Integer>> load(String clientId) {
        return Optional.ofNullable(byClientId.get(clientId));
    }

    @Override
    public void save(String clientId, Map<String, Integer> subscriptions) {
        byClientId.put(clientId, Map.copyOf(subscriptions));
    }

    @Override
    public void remove(String clientId) {
        byClientId.remove(clientId);
    }
}
