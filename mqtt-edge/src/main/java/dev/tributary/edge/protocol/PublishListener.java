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

    /**
     * How a listener says why it refused a message for good, as an MQTT 5 reason code (0x80 unspecified, 0x87
     * not authorized, 0x97 quota exceeded, 0x99 payload format invalid): an MQTT 5 publisher gets it in its
     * PUBACK/PUBREC. Any other failure is answered 0x80.
     */
    final class Refused extends RuntimeException {
        private final int reasonCode;

        public Refused(int reasonCode, String message, Throwable cause) {
            super(message, cause);
            this.reasonCode = reasonCode;
        }

        public int reasonCode() {
            return reasonCode;
        }
    }
}
