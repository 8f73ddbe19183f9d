package dev.tributary.edge.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;

/**
 * The other edge nodes that form one broker with this one, as the engine needs them: a message accepted
 * here is handed on to the nodes whose clients subscribed to its topic, and messages they hand on arrive
 * through {@link Broker#deliverFromOtherNode}. The engine knows nothing of how (Kafka, in the platform).
 */
public interface OtherNodes {

    /** What {@link #forward} returns when there is nothing to wait for. */
    CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    /** A node on its own. */
    OtherNodes NONE = message -> DONE;

    /**
     * Hands {@code message} on to every other node that has a subscriber for its topic. For QoS 1 and 2 the
     * stage completes when that is durable (the publisher is acknowledged only then) and fails when it cannot
     * be; QoS 0 may complete at once.
     */
    CompletionStage<Void> forward(Message message);

    /** Whether what the node must know of the others has been read: until then CONNECT is answered 3. */
    default boolean ready() {
        return true;
    }

    /**
     * A client connected to this node. The other nodes close its connection there [MQTT-3.1.4-2], and keep
     * its will, which one of them publishes should this node die with the connection open.
     *
     * @param close  closes this connection, when the client has connected to another node since
     * @return what to hand to {@link #clientDisconnected} when this connection ends
     */
    default Object clientConnected(String clientId, String username, Packet.Will will, Runnable close) {
        return null;
    }

    /** The connection {@link #clientConnected} returned {@code handle} for ended; its will was dealt with here. */
    default void clientDisconnected(String clientId, Object handle) {
    }

    /** Clients connected to all nodes together, or -1 for a node on its own ($SYS). */
    default long clientsConnected() {
        return -1;
    }

    /** Nodes alive, this one included ($SYS). */
    default int nodesAlive() {
        return 1;
    }
}
