package dev.tributary.edge.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.tributary.edge.auth.Authenticator;
import dev.tributary.edge.auth.Authorizer;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.retained.RetainedStore;
import dev.tributary.edge.session.Session;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.session.SessionStore;
import dev.tributary.edge.subscriptions.TopicTree;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.ClientLink;

/**
 * What all connections of a node share: sessions, subscriptions, retained messages, the hook to
 * the Kafka mirror, the other nodes of the broker and the auth decisions. Routes an accepted message
 * to every matching session of this node and hands it on to the other nodes that want it.
 */
public final class Broker {

    private static final CompletionStage<Void> DONE = OtherNodes.DONE;

    private final SessionRegistry sessions;
    private final TopicTree tree;
    private final RetainedStore retained;
    private final PublishListener listener;
    private final OtherNodes otherNodes;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final EdgeMetrics metrics;
    private final ProtocolLimits limits;
    private final ClientLimits clientLimits;
    private volatile Mqtt5Limits mqtt5Limits = Mqtt5Limits.DEFAULTS;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    public Broker(SessionRegistry sessions, TopicTree tree, RetainedStore retained, PublishListener listener,
            Authenticator authenticator, Authorizer authorizer, EdgeMetrics metrics, ProtocolLimits limits) {
        this(sessions, tree, retained, listener, OtherNodes.NONE, authenticator, authorizer, metrics, limits,
                ClientLimits.DEFAULTS);
    }

    public Broker(SessionRegistry sessions, TopicTree tree, RetainedStore retained, PublishListener listener,
            OtherNodes otherNodes, Authenticator authenticator, Authorizer authorizer, EdgeMetrics metrics,
            ProtocolLimits limits, ClientLimits clientLimits) {
        this.clientLimits = clientLimits;
        this.sessions = sessions;
        this.tree = tree;
        this.retained = retained;
        this.listener = listener;
        this.otherNodes = otherNodes;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.limits = limits;
    }

    /** A new network connection: its protocol state machine. */
    public Connection open(ClientLink link) {
        Connection connection = new Connection(this, link);
        connections.add(connection);
        return connection;
    }

    void closed(Connection connection) {
        connections.remove(connection);
    }

    /**
     * Ends the connection a new CONNECT of the same client id took the session from [MQTT-3.1.4-2]: on its own
     * thread, so an MQTT 5 client is told why (DISCONNECT 0x8E) before it closes.
     */
    void takeOver(ClientLink previous) {
        for (Connection connection : connections) {
            if (connection.link() == previous) {
                previous.execute(connection::sessionTakenOver);
                return;
            }
        }
        previous.close();
    }

    /**
     * A PUBLISH accepted from a client: stored if retained, routed to this node's subscribers at
     * once, handed on to the other nodes that have subscribers for it, and handed to the mirror. The
     * client is acknowledged when all of that is durable.
     */
    CompletionStage<Void> publish(Message message) {
        metrics.received();
        CompletionStage<Void> stored = message.retain() ? retain(message) : DONE;
        CompletionStage<Void> queued = route(message, Long.MAX_VALUE);
        CompletionStage<Void> forwarded = otherNodes.forward(message);
        CompletionStage<Void> mirrored = listener.accepted(message);
        if (stored == DONE && forwarded == DONE && queued == DONE) {
            return mirrored; // the common case: nothing to wait for but the mirror, and nothing allocated
        }
        return CompletableFuture.allOf(stored.toCompletableFuture(), forwarded.toCompletableFuture(),
                mirrored.toCompletableFuture(), queued.toCompletableFuture());
    }

    /**
     * A message another node accepted and handed on because clients here subscribed to its topic: routed
     * to them only (that node has stored it if retained, and mirrored it).
     */
    public void deliverFromOtherNode(Message message) {
        route(message, Long.MAX_VALUE);
    }

    /**
     * As {@link #deliverFromOtherNode(Message)}, for a node that said which point of the shared session store it
     * had read ({@link SessionStore#queueForOffline}): it queued the message itself for the sessions it saw
     * offline, and this node queues it for those that went offline here since.
     */
    public void deliverFromOtherNode(Message message, long routedFrom) {
        route(message, routedFrom);
    }

    /**
     * The will of a client whose connection ended on a node that died: published here as that node would
     * have [MQTT-3.1.2-8], if the ACL still allows its topic.
     */
    public void publishWillOfDeadNode(String clientId, String username, Packet.Will will) {
        if (authorizer.mayPublish(clientId, username, will.topic())) {
            publish(new Message(will.topic(), will.payload(), will.qos(), will.retain(), clientId, username,
                    System.currentTimeMillis()));
        }
    }

    public OtherNodes otherNodes() {
        return otherNodes;
    }

    /** Whether the node has read the state it shares with the others (retained messages, their subscriptions). */
    boolean stateLoaded() {
        return retained.loaded() && otherNodes.ready();
    }

    /**
     * A message that did not come from a client of this node: the broker's own ($SYS) or a Kafka
     * record delivered by the downlink. Routed and retained, not mirrored (it is not a device's, or
     * it is in Kafka already). Wills do not come through here: a will is published through
     * {@link #publish} and mirrored like any message its device published.
     */
    public void publishInternal(Message message) {
        if (message.retain()) {
            retain(message);
        }
        route(message, Long.MAX_VALUE);
    }

    /**
     * Keeps a retained message, and where the store is shared with other nodes writes it for them: the stage
     * completes when that is durable. One over a limit of the store is still routed and mirrored, only not
     * kept.
     */
    private CompletionStage<Void> retain(Message message) {
        CompletionStage<RetainedStore.Outcome> kept = retained.publish(message);
        CompletableFuture<RetainedStore.Outcome> now = kept.toCompletableFuture();
        if (now.isDone() && !now.isCompletedExceptionally()) {
            countOverLimit(message, now.join());
            return DONE;
        }
        return kept.thenAccept(outcome -> countOverLimit(message, outcome));
    }

    private void countOverLimit(Message message, RetainedStore.Outcome outcome) {
        if (outcome.limit() != null) {
            metrics.limitExceeded(outcome.limit(), "retained message on %s from %s not kept (%d bytes of payload)",
                    message.topic(), message.clientId(), message.payload().length);
        }
    }

    /**
     * [MQTT-3.3.1-9] a message routed to existing subscriptions carries retain 0. Delivered to this node's
     * sessions, and queued for offline sessions of a shared store; the stage completes when what was queued is
     * durable.
     */
    private CompletionStage<Void> route(Message message, long routedFrom) {
        Message routed = message.withRetain(false);
        SessionStore store = sessions.store();
        boolean offline = store.hasOfflineSessions();
        Set<String> delivered = null;
        List<CompletableFuture<Void>> waits = null;
        for (Map.Entry<String, Integer> match : tree.match(message.topic()).entrySet()) {
            Session session = sessions.get(match.getKey());
            if (session != null) {
                CompletionStage<Void> done = session.deliver(routed, match.getValue(), message.retain(), routedFrom);
                if (offline) {
                    if (delivered == null) {
                        delivered = new HashSet<>();
                    }
                    delivered.add(match.getKey());
                }
                if (done != SessionStore.DONE) {
                    if (waits == null) {
                        waits = new ArrayList<>(2);
                    }
                    waits.add(done.toCompletableFuture());
                }
            }
        }
        // after the tree: a session leaving this node is in the store's index before it leaves the tree
        if (offline) {
            CompletionStage<Void> queued = store.queueForOffline(routed, delivered == null ? Set.of() : delivered, routedFrom);
            if (queued != SessionStore.DONE) {
                if (waits == null) {
                    waits = new ArrayList<>(1);
                }
                waits.add(queued.toCompletableFuture());
            }
        }
        if (waits == null) {
            return DONE;
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    /**
     * Closes the connections that stayed silent too long, and reads again from those held back while the
     * mirror was full once it has room. One sweep over all connections, run by the transport a few times a
     * second, costs less than a timer per connection.
     */
    public void closeIdle() {
        long now = System.nanoTime();
        sessions.removeExpired(now);
        for (Connection connection : connections) {
            if (connection.idleAt(now)) {
                connection.link().execute(connection::idle);
            } else if (connection.isReadingPaused()) {
                connection.link().execute(connection::resumeReadingIfRoom);
            }
        }
    }

    /** What MQTT 5 clients are told and held to (set once at start-up, before the listeners open). */
    public void mqtt5Limits(Mqtt5Limits limits) {
        this.mqtt5Limits = limits;
    }

    Mqtt5Limits mqtt5Limits() {
        return mqtt5Limits;
    }

    /** Whether the mirror holds as many bytes as it may: publishers of QoS 1/2 are then held back. */
    boolean mirrorFull() {
        return listener.isFull();
    }

    /** Closes every connection (graceful shutdown): their wills are published as for a lost connection. */
    public void closeAll(String reason) {
        for (Connection connection : Set.copyOf(connections)) {
            connection.serverClose(reason);
        }
    }

    /**
     * Closes the connections of the users {@code user} names (a principal disabled, deleted or whose
     * credentials were revoked). Each check runs on its connection's own thread.
     */
    public void disconnectUsers(Predicate<String> user, String reason) {
        for (Connection connection : connections) {
            connection.link().execute(() -> connection.closeIfUser(user, reason));
        }
    }

    public int connectionCount() {
        return connections.size();
    }

    SessionRegistry sessions() {
        return sessions;
    }

    RetainedStore retained() {
        return retained;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    EdgeMetrics metrics() {
        return metrics;
    }

    ProtocolLimits limits() {
        return limits;
    }

    ClientLimits clientLimits() {
        return clientLimits;
    }
}
