package dev.tributary.edge.session;

import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Message;

/**
 * Where a session handed to a shared {@link SessionStore} sends the messages routed to it after that, in
 * order: the store's offline queue. The stage completes when the message is durable there.
 */
public interface QueueSink {

    CompletionStage<Void> append(Message message, int qos);
}
