package dev.tributary.edge.session;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Message;

/**
 * Where persistent sessions outlive a connection. Two kinds:
 * <ul>
 * <li>a node's own ({@link InMemorySessionStore}): an offline session stays in the node's memory with its
 * queue, and only its subscriptions are kept here;</li>
 * <li>a shared one ({@link #shared()}, the Kafka version in the platform): an offline session leaves the node.
 * When its client goes, the node hands the session over ({@link #handOff}): what it still owed the client is
 * written to the store's offline queue, then the session is recorded offline. Messages for offline sessions
 * go to that queue ({@link #queueForOffline}), from whichever node they were published on. A node that the
 * client connects to takes the session ({@link #open}, {@link #claim}), then gets the queue delivered
 * ({@link #resume}).</li>
 * </ul>
 * {@link #load} answers from a local replica, which is why it may be called on the connection's thread.
 */
public interface SessionStore {

    CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    Optional<Map<String, Integer>> load(String clientId);

    void save(String clientId, Map<String, Integer> subscriptions);

    void remove(String clientId);

    /** Whether sessions move between nodes through this store (then an offline session is not kept in memory). */
    default boolean shared() {
        return false;
    }

    /**
     * Shared stores: waits until no other live node holds the session (it closes the connection there when it
     * sees this one, and hands the session over), then returns what is stored for a persistent session, or
     * removes it for a clean one [MQTT-3.1.2-6] (empty then).
     */
    default CompletionStage<Optional<StoredSession>> open(String clientId, boolean cleanSession) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /**
     * Shared stores: records that {@code session} (opened, its subscriptions in the node's tree) is held by this
     * node; from then on the other nodes send its messages here. Tells the session from which point messages
     * other nodes hand on are its own to deliver ({@link Session#sharedFrom}).
     */
    default void claim(Session session) {
    }

    /** Shared stores: delivers what was queued for the session while it was offline, as it has room. */
    default void resume(Session session) {
    }

    /**
     * Shared stores: the session's client went. What the session still owes it is written to the offline queue,
     * then the session is recorded offline; the stage completes when Kafka has both.
     */
    default CompletionStage<Void> handOff(Session session) {
        return DONE;
    }

    /**
     * Shared stores: queues {@code message} for every offline session whose subscriptions match it, at QoS 1 or 2
     * (QoS 0 messages are not kept for offline sessions); the stage completes when that is durable.
     *
     * @param delivered  sessions of this node it was delivered to already (never queued twice)
     * @param routedFrom  for a message another node handed on, the point of the store that node had read
     *                    ({@link Long#MAX_VALUE} for one published here)
     */
    default CompletionStage<Void> queueForOffline(Message message, Set<String> delivered, long routedFrom) {
        return DONE;
    }

    /** Shared stores: whether any offline session is known (else {@link #queueForOffline} has nothing to do). */
    default boolean hasOfflineSessions() {
        return false;
    }
}
