package dev.tributary.edge.retained;

import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.protocol.Message;

/**
 * The last retained message of each topic: in memory on one node ({@link InMemoryRetainedStore}), or
 * replicated by every edge from a compacted Kafka topic (edge {@code cluster/KafkaRetainedStore}).
 */
public interface RetainedStore {

    /**
     * Keeps {@code message} as the retained message of its topic, or clears it when the payload is empty.
     * The stage completes when that is durable; a QoS 1 or 2 publisher is acknowledged only then.
     */
    CompletionStage<Void> put(Message message);

    /** The retained messages whose topics match {@code filter}. */
    List<Message> matching(String filter);

    int size();

    /** Whether every retained message there is has been read: until then CONNECT is answered 3. */
    default boolean loaded() {
        return true;
    }
}
