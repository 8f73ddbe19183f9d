package dev.tributary.edge.auth;

import java.util.Map;

/**
 * Whether one connected client may be sent a message on a topic, asked at every delivery: routed messages,
 * retained messages sent at SUBSCRIBE, and messages sent later from the session's queue. One instance per
 * connection, called only with its session's lock held, so an implementation needs no locking of its own
 * and may keep per-client caches.
 */
public interface ReceiveCheck {

    /** For brokers without ACLs. */
    ReceiveCheck ALLOW_ALL = (topic, subscriptions, subscriptionsVersion) -> true;

    /**
     * @param subscriptions  the session's subscriptions (filter to QoS), a live view
     * @param subscriptionsVersion  a number that changes whenever a subscription is added, so an implementation
     *     may keep what it derived from the subscriptions until it does
     */
    boolean mayReceive(String topic, Map<String, Integer> subscriptions, int subscriptionsVersion);
}
