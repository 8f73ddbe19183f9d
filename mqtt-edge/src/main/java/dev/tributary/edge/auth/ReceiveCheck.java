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
    ReceiveCheck ALLOW_ALL = new ReceiveCheck() {
        @Override
        public boolean mayReceive(String topic, Map<String, Integer> subscriptions, int subscriptionsVersion) {
            return true;
        }

        @Override
        public boolean maySubscribe(String filter) {
            return true;
        }
    };

    /**
     * @param subscriptions  the session's subscriptions (filter to QoS), a live view
     * @param subscriptionsVersion  a number that changes whenever a subscription is added, so an implementation
     *     may keep what it derived from the subscriptions until it does
     */
    boolean mayReceive(String topic, Map<String, Integer> subscriptions, int subscriptionsVersion);

    /**
     * Whether a SUBSCRIBE to {@code filter} is granted: some topic under it could be received (see
     * {@link Authorizer}). Decided by the rules this check already holds for the client, so a SUBSCRIBE of
     * many filters costs no compilation of the node's rule list per filter.
     */
    boolean maySubscribe(String filter);
}
