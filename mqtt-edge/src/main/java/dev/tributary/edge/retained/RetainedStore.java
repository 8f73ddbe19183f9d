package dev.tributary.edge.retained;

import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.protocol.Message;

/**
 * The last retained message of each topic. In memory on one node now; a Kafka-backed version
 * (a compacted topic every edge replicates) plugs in behind the same interface.
 */
public interface RetainedStore {

    /** Keeps {@code message} as the retained message of its topic, or clears it when the payload is empty. */
    CompletionStage<Void> put(Message message);

    /** The retained messages whose topics match {@code filter}. */
    List<Message> matching(String filter);

    int size();
}
