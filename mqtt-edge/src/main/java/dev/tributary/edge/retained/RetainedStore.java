package dev.tributary.edge.retained;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Message;

/**
 * The last retained message of each topic: in memory on one node ({@link InMemoryRetainedStore}), or
 * replicated by every edge from a compacted Kafka topic (edge {@code cluster/KafkaRetainedStore}).
 *
 * <p>Every implementation keeps within its {@link RetainedLimits} (total and per topic tree, messages and
 * bytes; {@link RetainedQuota} does the counting): a retained message over a limit is not kept, and
 * {@link #put} says which limit refused it. Clearing a topic always succeeds, and so does replacing its
 * message with one no larger; a larger replacement over a byte limit clears the topic rather than leave the
 * older message standing as if it were the latest.
 */
public interface RetainedStore {

    /** What {@link #put} did; {@link #limit()} names the limit (its configuration key) that refused the message. */
    enum Outcome {
        STORED(null), CLEARED(null),
        OVER_MAX_MESSAGES("retained.max-messages"),
        OVER_MAX_BYTES("retained.max-bytes"),
        OVER_MAX_MESSAGES_PER_TREE("retained.max-messages-per-tree"),
        OVER_MAX_BYTES_PER_TREE("retained.max-bytes-per-tree");

        private final String limit;
        private final CompletableFuture<Outcome> done;

        Outcome(String limit) {
            this.limit = limit;
            this.done = CompletableFuture.completedFuture(this);
        }

        /** The configuration key (under {@code tributary.edge.}) of the limit that refused the message, or null. */
        public String limit() {
            return limit;
        }

        /** This outcome, already there (no allocation per message). */
        public CompletionStage<Outcome> now() {
            return done;
        }
    }

    /**
     * Keeps {@code message} as the retained message of its topic on this node, or clears it when the payload is
     * empty [MQTT-3.3.1-10], within the store's limits.
     */
    Outcome put(Message message);

    /**
     * A retained message a client published: kept as {@link #put} keeps it and, where the store is shared with
     * other nodes, written for them. The stage completes when that is durable (a QoS 1 or 2 publisher is
     * acknowledged only then).
     */
    default CompletionStage<Outcome> publish(Message message) {
        return put(message).now();
    }

    /** The retained messages whose topics match {@code filter}. */
    List<Message> matching(String filter);

    int size();

    /** Bytes the retained messages take, as the limits count them. */
    long bytes();

    RetainedLimits limits();

    /** Whether every retained message there is has been read: until then CONNECT is answered 3. */
    default boolean loaded() {
        return true;
    }
}
