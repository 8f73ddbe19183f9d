package dev.tributary.edge.session;

import java.util.Map;
import java.util.Set;

/**
 * What a shared {@link SessionStore} hands a node that takes a persistent session over: its subscriptions,
 * the inbound QoS 2 packet ids still awaiting PUBREL (a PUBLISH the client resends with DUP is then not routed
 * twice [MQTT-4.3.3-2]), and the outbound QoS 2 ids already released (PUBREL is sent again
 * [MQTT-4.4.0-1]). The queued messages are not here: the store delivers them through
 * {@link SessionStore#resume} as the session has room.
 */
public record StoredSession(Map<String, Integer> subscriptions, Set<Integer> awaitingRelease, Set<Integer> released) {

    public static final StoredSession EMPTY = new StoredSession(Map.of(), Set.of(), Set.of());
}
