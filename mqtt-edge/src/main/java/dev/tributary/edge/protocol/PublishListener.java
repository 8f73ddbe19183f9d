package dev.tributary.edge.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Message;

/**
 * Where an accepted PUBLISH is handed on (the Kafka mirror). A QoS 1 or 2 PUBLISH is acknowledged
 * to the client only when the returned stage completes; a stage that fails means the message was
 * refused for good and the client is disconnected without an acknowledgement.
 */
public interface PublishListener {

    PublishListener NONE = message -> CompletableFuture.completedFuture(null);

    CompletionStage<Void> accepted(Message message);

    /**
     * Whether the listener holds as many bytes as it may. It still takes what it is given (a message already
     * read has to go somewhere), but connections stop reading QoS 1/2 messages from their clients until it
     * has room, and it drops QoS 0 messages itself.
     */
    default boolean isFull() {
        return false;
    }
}
