package dev.tributary.edge.session;

import dev.tributary.edge.mqtt.Message;

/**
 * A message a session still owes its client, as a shared {@link SessionStore} keeps it while the session
 * is offline: at the QoS it is delivered with, and with the packet id it was sent with when it was in flight
 * (0 when it was only queued), so that a QoS 2 message the client may already hold is resent with the same
 * id and DUP [MQTT-4.3.2-2] instead of arriving twice.
 */
public record QueuedMessage(Message message, int qos, int packetId) {
}
