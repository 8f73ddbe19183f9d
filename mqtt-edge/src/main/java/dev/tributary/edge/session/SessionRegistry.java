package dev.tributary.edge.session;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.ClientLink;
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
    private final int maxInflight;
    private final int maxQueued;

    public SessionRegistry(TopicTree tree, SessionStore store, EdgeMetrics metrics, int maxInflight, int maxQueued) {
        this.tree = tree;
        this.store = store;
        this.metrics = metrics;
        this.maxInflight = maxInflight;
        this.maxQueued = maxQueued;
    }

    /**
     * Finds or creates the session for a CONNECT [MQTT-3.1.2-4..6]. A connection already bound to
     * the client id is unbound and returned, for the caller to close [MQTT-3.1.4-2].
     */
    public synchronized Attached connect(String clientId, boolean cleanSession) {
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
        Session session = new Session(clientId, cleanSession, maxInflight, maxQueued, metrics);
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
        synchronized (this) {
            if (sessions.get(session.clientId()) != session) {
                return;
            }
            session.addSubscription(filter, qos);
            tree.subscribe(session.clientId(), filter, qos);
        }
        if (!session.cleanSession()) {
            store.save(session.clientId(), session.subscriptions());
        }
    }

    public void unsubscribe(Session session, String filter) {
        synchronized (this) {
            if (sessions.get(session.clientId()) != session) {
                return;
            }
            session.removeSubscription(filter);
            tree.unsubscribe(session.clientId(), filter);
        }
        if (!session.cleanSession()) {
            store.save(session.clientId(), session.subscriptions());
        }
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
    }
}
