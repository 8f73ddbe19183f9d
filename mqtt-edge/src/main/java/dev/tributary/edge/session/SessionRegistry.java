package dev.tributary.edge.session;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

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

    private static final Logger LOG = Logger.getLogger(SessionRegistry.class);

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    /** Sessions of a shared store being handed over, until the store has them. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> handingOff = new ConcurrentHashMap<>();
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

    /**
     * As {@link #connect}, for any store. With a shared store the session may be held by another node or be
     * offline in the store: the stage completes once the store has it for this node (the session is then in the
     * tree, and its offline queue waits for {@link #attached}).
     */
    public CompletionStage<Attached> connectAsync(String clientId, boolean cleanSession) {
        if (!store.shared()) {
            return CompletableFuture.completedFuture(connect(clientId, cleanSession));
        }
        ClientLink previous = null;
        CompletableFuture<Void> before;
        synchronized (this) {
            Session existing = sessions.get(clientId);
            if (existing != null && !existing.handedOff()) {
                // connected here, or its connection just went: a takeover on this node [MQTT-3.1.4-2]
                previous = existing.link();
                if (previous != null) {
                    existing.detach(previous);
                }
                if (!cleanSession && !existing.cleanSession()) {
                    return CompletableFuture.completedFuture(new Attached(existing, true, previous));
                }
                discard(existing);
                sessions.remove(clientId);
            }
            before = handingOff.getOrDefault(clientId, CompletableFuture.completedFuture(null));
        }
        ClientLink takenOver = previous;
        return before.exceptionally(error -> null)
                .thenCompose(done -> store.open(clientId, cleanSession))
                .thenApply(stored -> install(clientId, cleanSession, stored, takenOver));
    }

    private Attached install(String clientId, boolean cleanSession, Optional<StoredSession> stored, ClientLink takenOver) {
        Session session = new Session(clientId, cleanSession, limits, queued, metrics);
        synchronized (this) {
            Session other = sessions.get(clientId);
            ClientLink previous = takenOver;
            if (other != null) {
                // another CONNECT with the id won the race on this node: it is the older one now
                ClientLink link = other.link();
                if (link != null) {
                    other.detach(link);
                    previous = link;
                }
                discard(other);
            }
            if (!cleanSession) {
                StoredSession state = stored.orElse(StoredSession.EMPTY);
                session.restore(state);
                state.subscriptions().forEach((filter, qos) -> {
                    session.addSubscription(filter, qos);
                    tree.subscribe(clientId, filter, qos);
                });
            }
            sessions.put(clientId, session);
            if (!cleanSession) {
                store.claim(session);
            }
            return new Attached(session, stored.isPresent(), previous);
        }
    }

    /** The session's connection is attached: a shared store now delivers what it queued while it was offline. */
    public void attached(Session session) {
        if (store.shared() && session.replaying()) {
            store.resume(session);
        }
    }

    /** The connection {@code link} of {@code session} ended; a clean session ends with it [MQTT-3.1.2-6]. */
    public synchronized void disconnected(Session session, ClientLink link) {
        if (!session.detach(link) || sessions.get(session.clientId()) != session) {
            return;
        }
        if (session.cleanSession()) {
            discard(session);
            sessions.remove(session.clientId());
        } else if (store.shared()) {
            handOff(session);
        }
    }

    /**
     * Hands a persistent session to the shared store: once the store has it (and knows it offline), it leaves
     * the tree and this node's memory.
     */
    private void handOff(Session session) {
        String clientId = session.clientId();
        CompletableFuture<Void> done = new CompletableFuture<>();
        handingOff.put(clientId, done);
        store.handOff(session).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.errorf("handing the session of %s to the store failed: what it held may be lost: %s", clientId, error.toString());
            }
            synchronized (this) {
                if (sessions.get(clientId) == session) {
                    for (String filter : session.subscriptions().keySet()) {
                        tree.unsubscribe(clientId, filter);
                    }
                    sessions.remove(clientId);
                }
                handingOff.remove(clientId, done);
            }
            done.complete(null);
        });
    }

    /** Waits, at most {@code timeout}, for the sessions being handed to the shared store (a clean stop). */
    public void awaitHandOffs(Duration timeout) {
        CompletableFuture<?>[] all = handingOff.values().toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(all).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("%d sessions not handed to the store within %s", handingOff.size(), timeout);
        }
    }

    /** The store, for routing to offline sessions. */
    public SessionStore store() {
        return store;
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
     * As {@link #connect5}, for any store (see {@link #connectAsync}). With a shared store, Clean Start with an expiry
     * interval first removes what is stored [MQTT-3.1.2-4], then opens a new persistent session.
     */
    public CompletionStage<Attached> connect5Async(String clientId, boolean cleanStart, long expirySeconds) {
        if (!store.shared()) {
            return CompletableFuture.completedFuture(connect5(clientId, cleanStart, expirySeconds));
        }
        expiring.remove(clientId);
        if (!cleanStart || expirySeconds == 0) {
            return connectAsync(clientId, cleanStart);
        }
        ClientLink previous = null;
        synchronized (this) {
            Session existing = sessions.get(clientId);
            if (existing != null && !existing.handedOff()) {
                previous = existing.link();
                if (previous != null) {
                    existing.detach(previous);
                }
                discard(existing);
                sessions.remove(clientId);
            }
        }
        ClientLink takenOver = previous;
        return store.open(clientId, true)
                .thenCompose(none -> connectAsync(clientId, false))
                .thenApply(a -> new Attached(a.session(), false, a.takenOver() != null ? a.takenOver() : takenOver));
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
        } else if (store.shared()) {
            // kept in the shared store until a Clean Start; an expiry by time is not counted there yet
            handOff(session);
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
