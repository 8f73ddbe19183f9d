package dev.tributary.edge.mirror;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.protocol.Message;

/**
 * Where an accepted PUBLISH is handed on (the Kafka mirror). A QoS 1 or 2 PUBLISH is acknowledged
 * to the client only when the returned stage completes; a stage that fails means the message was
 * refused for good and the client is disconnected without an acknowledgement.
 */
public interface PublishListener {

    PublishListener NONE = message -> CompletableFuture.completedFuture(null);

    CompletionStage<Void> accepted(Message message);
}
