package dev.tributary.edge.retained;

import java.util.List;

import dev.tributary.edge.protocol.Message;

/**
 * The last retained message of each topic. In memory on one node now; a Kafka-backed version
 * (a compacted topic every edge replicates) plugs in behind the same interface.
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

        Outcome(String limit) {
            this.limit = limit;
        }

        /** The configuration key (under {@code tributary.edge.}) of the limit that refused the message, or null. */
        public String limit() {
            return limit;
        }
    }

    /**
     * Keeps {@code message} as the retained message of its topic, or clears it when the payload is empty
     * [MQTT-3.3.1-10], within the store's limits.
     */
    Outcome put(Message message);

    /** The retained messages whose topics match {@code filter}. */
    List<Message> matching(String filter);

    int size();

    /** Bytes the retained messages take, as the limits count them. */
    long bytes();

    RetainedLimits limits();
}
