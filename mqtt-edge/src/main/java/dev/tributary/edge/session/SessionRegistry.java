package dev.tributary.edge.session;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.ClientLink;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.subscriptions.TopicTree;

/**
 * The sessions of this node by client id, and the one place that keeps them, the topic tree and
 * the session store in step: a session's subscriptions are in the tree exactly while it exists.
 * Connect, takeover and disconnect are serialised here; delivery never takes this lock.
 */
public final class SessionRegistry {

    /** The outcome of a CONNECT: the session to use, whether it existed, and a connection it took over. */
    public record Attached(Session session, boolean sessionPresent, ClientLink takenOver) {
    }

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final TopicTree tree;
    private final SessionStore store;
    private final EdgeMetrics metrics;
    private final SessionLimits limits;
    private final ByteBudget queued;
    /** Offline MQTT 5 sessions with a finite expiry interval, by client id: removed when it has passed. */
    private final ConcurrentHashMap<String, Expiry> expiring = new ConcurrentHashMap<>();

    private record Expiry(Session session, long deadlineNanos) {
    }

    public SessionRegistry(TopicTree tree, SessionStore store, EdgeMetrics metrics, int maxInflight, int maxQueued) {
        this(tree, store, metrics, SessionLimits.of(maxInflight, maxQueued), ByteBudget.unlimited());
    }

    /** {@code queued}: the bytes all sessions of the node may queue together. */
    public SessionRegistry(TopicTree tree, SessionStore store, EdgeMetrics metrics, SessionLimits limits, ByteBudget queued) {
        this.tree = tree;
        this.store = store;
        this.metrics = metrics;
        this.limits = limits;
        this.queued = queued;
    }

    /**
     * Finds or creates the session for a CONNECT [MQTT-3.1.2-4..6]. A connection already bound to
     * the client id is unbound and returned, for the caller to close [MQTT-3.1.4-2].
     */
    public synchronized Attached connect(String clientId, boolean cleanSession) {
        expiring.remove(clientId); // a session resumed by any connection no longer expires
        Session existing = sessions.get(clientId);
        ClientLink previous = null;
        if (existing != null) {
            previous = existing.link();
            if (previous != null) {
                existing.detach(previous);
            }
        }
        if (!cleanSession && existing != null && !existing.cleanSession()) {
            return new Attached(existing, true, previous);
        }
        if (existing != null) {
            discard(existing);
        }
        Session session = new Session(clientId, cleanSession, limits, queued, metrics);
        boolean present = false;
        if (cleanSession) {
            store.remove(clientId);
        } else {
            Optional<Map<String, Integer>> stored = store.load(clientId);
            if (stored.isPresent()) {
                present = true;
                stored.get().forEach((filter, qos) -> {
                    session.addSubscription(filter, qos);
                    tree.subscribe(clientId, filter, qos);
                });
            }
        }
        sessions.put(clientId, session);
        return new Attached(session, present, previous);
    }

    /** The connection {@code link} of {@code session} ended; a clean session ends with it [MQTT-3.1.2-6]. */
    public synchronized void disconnected(Session session, ClientLink link) {
        if (session.detach(link) && session.cleanSession() && sessions.get(session.clientId()) == session) {
            discard(session);
            sessions.remove(session.clientId());
        }
    }

    /** Adds a subscription, unless the session was already replaced (a packet that raced a takeover). */
    public void subscribe(Session session, String filter, int qos) {
        subscribe(session, List.of(new Packet.Subscription(filter, qos)));
    }

    /**
     * Adds or replaces the subscriptions of one SUBSCRIBE, in order, and saves a persistent session once for
     * all of them. A filter the session does not hold yet is refused while it holds
     * {@link SessionLimits#maxSubscriptions()}; a replaced one always succeeds. Returns, per subscription,
     * whether it was added (true for all when the session was already replaced: a packet that raced a
     * takeover, whose connection is closing).
     */
    public boolean[] subscribe(Session session, List<Packet.Subscription> subscriptions) {
        boolean[] added = new boolean[subscriptions.size()];
        synchronized (this) {
            if (sessions.get(session.clientId()) != session) {
                Arrays.fill(added, true);
                return added;
            }
            for (int i = 0; i < added.length; i++) {
                Packet.Subscription s = subscriptions.get(i);
                Map<String, Integer> current = session.subscriptions();
                if (!current.containsKey(s.filter()) && current.size() >= limits.maxSubscriptions()) {
                    continue;
                }
                session.addSubscription(s.filter(), s.qos());
                tree.subscribe(session.clientId(), s.filter(), s.qos());
                added[i] = true;
            }
        }
        if (!session.cleanSession()) {
            store.save(session.clientId(), session.subscriptions());
        }
        return added;
    }

    public void unsubscribe(Session session, String filter) {
        unsubscribe(session, List.of(filter));
    }

    /** Removes the subscriptions of one UNSUBSCRIBE and saves a persistent session once for all of them. */
    public void unsubscribe(Session session, List<String> filters) {
        synchronized (this) {
            if (sessions.get(session.clientId()) != session) {
                return;
            }
            for (String filter : filters) {
                session.removeSubscription(filter);
                tree.unsubscribe(session.clientId(), filter);
            }
        }
        if (!session.cleanSession()) {
            store.save(session.clientId(), session.subscriptions());
        }
    }

    // ---------------------------------------------------------------- MQTT 5

    /**
     * Finds or creates the session for an MQTT 5 CONNECT: Clean Start discards an existing session
     * [MQTT-3.1.2-4]; otherwise an existing persistent one is resumed [MQTT-3.1.2-5]. A session with an
     * expiry interval of 0 still ends when its connection closes ({@link #disconnected(Session, ClientLink, long)}).
     */
    public synchronized Attached connect5(String clientId, boolean cleanStart, long expirySeconds) {
        expiring.remove(clientId);
        if (!cleanStart) {
            return connect(clientId, false);
        }
        if (expirySeconds == 0) {
            return connect(clientId, true);
        }
        ClientLink previous = null;
        Session existing = sessions.remove(clientId);
        if (existing != null) {
            previous = existing.link();
            if (previous != null) {
                existing.detach(previous);
            }
            discard(existing);
        }
        store.remove(clientId);
        Attached attached = connect(clientId, false);
        return new Attached(attached.session(), false, previous);
    }

    /**
     * The MQTT 5 connection {@code link} of {@code session} ended: the session ends now when its expiry
     * interval is 0 [MQTT-3.1.2-10 of MQTT 5], else when the interval has passed without a new connection.
     */
    public synchronized void disconnected(Session session, ClientLink link, long expirySeconds) {
        if (!session.detach(link) || sessions.get(session.clientId()) != session) {
            return;
        }
        if (session.cleanSession() || expirySeconds == 0) {
            end(session);
        } else if (expirySeconds < SessionV5.NEVER) {
            expiring.put(session.clientId(), new Expiry(session, System.nanoTime() + expirySeconds * 1_000_000_000L));
        }
    }

    /** Removes the offline sessions whose expiry interval has passed; returns how many. */
    public int removeExpired(long nowNanos) {
        if (expiring.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (Expiry e : expiring.values()) {
            if (nowNanos - e.deadlineNanos() >= 0) {
                synchronized (this) {
                    if (expiring.remove(e.session().clientId(), e) && sessions.get(e.session().clientId()) == e.session()
                            && !e.session().isOnline()) {
                        end(e.session());
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    /** Offline sessions waiting for their expiry (tests, metrics). */
    public int expiringCount() {
        return expiring.size();
    }

    private void end(Session session) {
        discard(session);
        sessions.remove(session.clientId());
        if (!session.cleanSession()) {
            store.remove(session.clientId());
        }
    }

    public SessionLimits limits() {
        return limits;
    }

    /** Bytes queued in all sessions of the node, against {@code limits.max-queued-bytes-total}. */
    public long queuedBytes() {
        return queued.used();
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }

    public long connectedCount() {
        return sessions.values().stream().filter(Session::isOnline).count();
    }

    private void discard(Session session) {
        for (String filter : session.subscriptions().keySet()) {
            tree.unsubscribe(session.clientId(), filter);
        }
        session.clearSubscriptions();
        session.discardQueue();
    }
}
