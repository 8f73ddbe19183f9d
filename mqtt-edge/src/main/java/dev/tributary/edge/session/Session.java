package dev.tributary.edge.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.edge.auth.ReceiveCheck;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.ClientLink;
import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.PublishProperties;

/**
 * The state MQTT keeps for one client id: its subscriptions, the QoS 1/2 messages sent to it and
 * not yet acknowledged (the in-flight window), the messages queued behind that window (also while
 * it is offline, for a persistent session), and the QoS 2 packet ids it sent us that await
 * PUBREL. Deliveries come from publishers' threads, acknowledgements from the client's own, so
 * every method that touches delivery state holds the session's lock.
 *
 * <p>Every message is sent only if the connection's {@link ReceiveCheck} allows its topic at that
 * moment: when it is routed, and again when it leaves the queue or is resent after a reconnect, so a
 * right taken away while a message waited stops it.
 *
 * <p>Everything kept per session is bounded ({@link SessionLimits}): the queue in messages and in bytes,
 * and in bytes again against a budget all sessions of the node share; the subscriptions; and the inbound
 * QoS 2 ids awaiting PUBREL. A QoS 1/2 message leaves the queue for the network only while the connection
 * takes data ({@link ClientLink#isWritable()}), so a client that does not read holds its messages in this
 * bounded queue, not in the socket's buffer.
 */
public final class Session {

    private record Delivery(Message message, int qos, long bytes) {
    }

    /**
     * What {@link #inboundQos2} returns for a new id when the session already holds
     * {@link SessionLimits#maxAwaitingRelease()} ids awaiting PUBREL; compared by identity.
     */
    public static final CompletableFuture<Void> TOO_MANY_AWAITING_RELEASE = new CompletableFuture<>();

    private static final class InFlight {
        final Delivery delivery;
        boolean released; // PUBREC received, PUBREL sent: awaiting PUBCOMP

        InFlight(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    /**
     * How a persistent session of a shared {@link SessionStore} takes messages: normally; while its offline queue
     * is delivered (messages routed live wait behind it, so each publisher's order holds); or handed over (the
     * client went: everything goes to the store's queue).
     */
    private enum Mode { NORMAL, REPLAYING, HANDED_OFF }

    /** A live message held while the queue is delivered, with the point it was routed from. */
    private record Held(Delivery delivery, long routedFrom) {
    }

    /** Not yet known: {@link #sharedFrom} before the store has recorded the session here. */
    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final CompletionStage<Void> DONE = SessionStore.DONE;

    /** What a session hands to its store when its client goes ({@link #handOff}). */
    public record HandOff(List<QueuedMessage> owed, List<QueuedMessage> heldLive, Map<String, Integer> subscriptions,
            Set<Integer> awaitingRelease, Set<Integer> released) {
    }

    private final String clientId;
    private final boolean cleanSession;
    private final int maxInflight;
    private final int maxQueued;
    private final long maxQueuedBytes;
    private final int maxAwaitingRelease;
    /** Shared by every session of the node: the queued bytes of all of them together. */
    private final ByteBudget nodeQueued;
    private final EdgeMetrics metrics;

    // Small or created on first use: at 10,000+ mostly idle connections per node, every
    // default-sized collection shows in the memory per connection.
    /** Changed under the registry's lock; read by the store outside it, hence concurrent. */
    private volatile Map<String, Integer> subscriptions;
    /** Moves after each subscription added: what the receive check derived from the subscriptions is then stale. */
    private volatile int subscriptionsVersion;
    /** The current or last connection's; null until the first one is attached (messages wait in the queue). */
    private ReceiveCheck receiveCheck;
    private LinkedHashMap<Integer, InFlight> inflight;
    private ArrayDeque<Delivery> queue;
    private long queuedBytes;
    /** QoS 2 ids received and acknowledged (or being), until PUBREL: a resent PUBLISH is not routed twice. */
    private Map<Integer, CompletableFuture<Void>> inboundQos2;
    private ClientLink link;
    private int lastPacketId;
    /** MQTT 5 state of the session; null while it only ever served 3.1/3.1.1 connections. */
    private SessionV5 v5;
    private Mode mode = Mode.NORMAL;
    /** Live messages waiting behind the offline queue (REPLAYING); bounded like the queue. */
    private ArrayDeque<Held> heldLive;
    private long heldBytes;
    /** Messages other nodes routed from a point before this are in the store's queue already: not delivered live. */
    private long sharedFrom = Long.MIN_VALUE + 1;
    private QueueSink sink;

    public Session(String clientId, boolean cleanSession, int maxInflight, int maxQueued, EdgeMetrics metrics) {
        this(clientId, cleanSession, SessionLimits.of(maxInflight, maxQueued), ByteBudget.unlimited(), metrics);
    }

    public Session(String clientId, boolean cleanSession, SessionLimits limits, ByteBudget nodeQueued, EdgeMetrics metrics) {
        this.clientId = clientId;
        this.cleanSession = cleanSession;
        this.maxInflight = limits.maxInflight();
        this.maxQueued = limits.maxQueued();
        this.maxQueuedBytes = limits.maxQueuedBytes();
        this.maxAwaitingRelease = limits.maxAwaitingRelease();
        this.nodeQueued = nodeQueued;
        this.metrics = metrics;
    }

    public String clientId() {
        return clientId;
    }

    public boolean cleanSession() {
        return cleanSession;
    }

    /** Filter to granted QoS; a live view, empty while the client never subscribed. */
    public Map<String, Integer> subscriptions() {
        Map<String, Integer> current = subscriptions;
        return current == null ? Map.of() : current;
    }

    void addSubscription(String filter, int qos) {
        if (subscriptions == null) {
            subscriptions = new ConcurrentHashMap<>(2);
        }
        subscriptions.put(filter, qos);
        subscriptionsVersion++; // only under the registry's lock
    }

    void removeSubscription(String filter) {
        if (subscriptions != null) {
            subscriptions.remove(filter);
        }
    }

    void clearSubscriptions() {
        subscriptions = null;
    }

    /**
     * The session ends (clean session closed, or replaced): what it queued is given up and its bytes go back
     * to the node's budget.
     */
    synchronized void discardQueue() {
        if (queue != null) {
            queue.clear();
            nodeQueued.release(queuedBytes);
            queuedBytes = 0;
        }
        if (heldLive != null) {
            heldLive = null;
            nodeQueued.release(heldBytes);
            heldBytes = 0;
        }
    }

    /**
     * Whether a SUBSCRIBE to {@code filter} is granted, by the rules the connection's receive check already
     * holds; false before a connection is attached.
     */
    public synchronized boolean maySubscribe(String filter) {
        return receiveCheck != null && receiveCheck.maySubscribe(filter);
    }

    public synchronized boolean isOnline() {
        return link != null;
    }

    public synchronized ClientLink link() {
        return link;
    }

    /**
     * Binds the session to a new connection and resends what the previous one left unacknowledged,
     * PUBLISH with DUP set and PUBREL as they were [MQTT-4.4.0-1], then what was queued. A PUBLISH whose
     * topic the connection may no longer receive is dropped instead of resent.
     */
    public synchronized void attach(ClientLink newLink, ReceiveCheck check) {
        link = newLink;
        receiveCheck = check;
        if (inflight == null) {
            return; // nothing was ever sent or queued
        }
        for (var entries = inflight.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<Integer, InFlight> entry = entries.next();
            InFlight f = entry.getValue();
            if (f.released) {
                link.send(new Packet.PubRel(entry.getKey()));
            } else if (mayReceive(f.delivery.message()) && send(entry.getKey(), f.delivery, true)) {
                continue;
            } else {
                entries.remove();
            }
        }
        drain();
    }

    /** Unbinds {@code oldLink} if it is still the session's connection. */
    public synchronized boolean detach(ClientLink oldLink) {
        if (link == oldLink) {
            link = null;
            return true;
        }
        return false;
    }

    /**
     * Delivers a routed message at the lower of its QoS and the subscription's [MQTT-3.8.4-6], if the
     * client may receive its topic.
     */
    public CompletionStage<Void> deliver(Message message, int grantedQos) {
        return deliver(message, grantedQos, message.retain(), Long.MAX_VALUE);
    }

    /**
     * As {@link #deliver(Message, int)}; {@code publishedRetain} is the retain flag the message was published
     * with, which an MQTT 5 subscription with Retain As Published passes on [MQTT-3.3.1-13].
     */
    public CompletionStage<Void> deliver(Message message, int grantedQos, boolean publishedRetain) {
        return deliver(message, grantedQos, publishedRetain, Long.MAX_VALUE);
    }

    /**
     * As {@link #deliver(Message, int, boolean)}, for a message routed from {@code routedFrom}: another node's point
     * in the shared session store ({@link Long#MAX_VALUE} for a message published on this node). The stage completes
     * when the message is where it must be (at once, but for a session handed to its store).
     */
    public synchronized CompletionStage<Void> deliver(Message message, int grantedQos, boolean publishedRetain, long routedFrom) {
        if (!mayReceive(message)) {
            return DONE;
        }
        if (v5 != null && v5.hasOptions()) {
            SessionV5.Match match = v5.match(message, subscriptions(), clientId, publishedRetain);
            if (match == null) {
                return DONE; // only No Local subscriptions matched the client's own message [MQTT-3.8.3-3]
            }
            message = match.message();
            grantedQos = match.qos();
        }
        if (expired(message)) {
            return DONE; // [MQTT-3.3.2-5]
        }
        int qos = Math.min(message.qos(), grantedQos);
        if (mode == Mode.HANDED_OFF) {
            return qos == 0 ? DONE : sink.append(message, qos);
        }
        if (sharedFrom != UNKNOWN && routedFrom < sharedFrom) {
            return DONE; // its node saw the session offline and queued it in the store: the replay brings it
        }
        if (qos == 0) {
            if (link == null) {
                metrics.droppedOffline();
            } else if (!link.isWritable()) {
                metrics.droppedSlowConsumer();
            } else {
                Packet.Publish publish = publishPacket(message, 0, false, 0);
                if (publish != null) {
                    link.send(publish);
                    metrics.sent();
                }
            }
            return DONE;
        }
        if (inflight == null) {
            inflight = new LinkedHashMap<>(4);
            queue = new ArrayDeque<>(2);
        }
        if (mode == Mode.REPLAYING) {
            hold(message, qos, routedFrom);
            return DONE;
        }
        enqueueOrSend(message, qos);
        return DONE;
    }

    private void enqueueOrSend(Message message, int qos) {
        if (link != null && queue.isEmpty() && inflight.size() < window() && link.isWritable()) {
            Delivery delivery = new Delivery(message, qos, 0);
            int id = nextPacketId();
            inflight.put(id, new InFlight(delivery));
            if (!send(id, delivery, false)) {
                inflight.remove(id);
            }
            return;
        }
        long bytes = Footprint.of(message);
        if (queue.size() >= maxQueued) {
            dropped("limits.max-queued-messages", message, "its session queues as many messages as it may");
        } else if (queuedBytes + bytes > maxQueuedBytes) {
            dropped("limits.max-queued-bytes", message, "its session queues as many bytes as it may");
        } else if (!nodeQueued.tryReserve(bytes)) {
            dropped("limits.max-queued-bytes-total", message, "the node's sessions queue as many bytes as they may");
        } else {
            queue.add(new Delivery(message, qos, bytes));
            queuedBytes += bytes;
        }
    }

    /** A live message while the offline queue is delivered: it waits behind it, within the queue's bounds. */
    private void hold(Message message, int qos, long routedFrom) {
        if (heldLive == null) {
            heldLive = new ArrayDeque<>(4);
        }
        long bytes = Footprint.of(message);
        if (heldLive.size() >= maxQueued) {
            dropped("limits.max-queued-messages", message, "its session holds as many messages as it may behind its offline queue");
        } else if (heldBytes + bytes > maxQueuedBytes) {
            dropped("limits.max-queued-bytes", message, "its session holds as many bytes as it may behind its offline queue");
        } else if (!nodeQueued.tryReserve(bytes)) {
            dropped("limits.max-queued-bytes-total", message, "the node's sessions queue as many bytes as they may");
        } else {
            heldLive.add(new Held(new Delivery(message, qos, bytes), routedFrom));
            heldBytes += bytes;
        }
    }

    // ---------------------------------------------------------------- shared sessions (moving between nodes)

    /**
     * Restores what a shared store kept of the session (before it is attached): its inbound QoS 2 ids awaiting
     * PUBREL, its outbound ones released (PUBREL is resent at attach). Live messages wait from now until
     * {@link #replayDone()}, behind the offline queue.
     */
    public synchronized void restore(StoredSession stored) {
        mode = Mode.REPLAYING;
        sharedFrom = UNKNOWN;
        if (inflight == null) {
            inflight = new LinkedHashMap<>(4);
            queue = new ArrayDeque<>(2);
        }
        for (int id : stored.released()) {
            InFlight f = new InFlight(new Delivery(null, 2, 0));
            f.released = true;
            inflight.put(id, f);
        }
        if (!stored.awaitingRelease().isEmpty()) {
            inboundQos2 = new HashMap<>(Math.max(4, stored.awaitingRelease().size() * 2));
            for (int id : stored.awaitingRelease()) {
                inboundQos2.put(id, CompletableFuture.completedFuture(null));
            }
        }
    }

    /**
     * The store recorded the session on this node at {@code point}: messages other nodes route from before it
     * were queued by them in the store and come with the replay, so they are not delivered live.
     */
    public synchronized void sharedFrom(long point) {
        sharedFrom = point;
        if (heldLive != null) {
            for (var it = heldLive.iterator(); it.hasNext();) {
                Held h = it.next();
                if (h.routedFrom() < point) {
                    it.remove();
                    heldBytes -= h.delivery().bytes();
                    nodeQueued.release(h.delivery().bytes());
                }
            }
        }
    }

    /** Whether the offline queue may deliver one more message now: its window and one window of queue. */
    public synchronized boolean replayRoom() {
        return mode != Mode.HANDED_OFF && (queue == null || (queue.size() < Math.max(maxInflight, 1)
                && queuedBytes < maxQueuedBytes / 2));
    }

    /**
     * A message of the offline queue, in order. One that was in flight ({@code packetId} not 0) is resent with its
     * id and DUP. False when the session was handed over meanwhile: the store keeps it.
     */
    public synchronized boolean deliverQueued(QueuedMessage queued) {
        if (mode == Mode.HANDED_OFF) {
            return false;
        }
        Message message = queued.message();
        if (!mayReceive(message) || expired(message)) {
            return true; // [MQTT-3.3.2-5] an expired message is not delivered
        }
        if (inflight == null) {
            inflight = new LinkedHashMap<>(4);
            queue = new ArrayDeque<>(2);
        }
        int id = queued.packetId();
        if (id != 0 && !inflight.containsKey(id)) {
            Delivery delivery = new Delivery(message, queued.qos(), 0);
            inflight.put(id, new InFlight(delivery));
            if (link != null) {
                send(id, delivery, true);
            }
            return true;
        }
        long bytes = Footprint.of(message);
        if (link != null && queue.isEmpty() && inflight.size() < window() && link.isWritable()) {
            Delivery delivery = new Delivery(message, queued.qos(), 0);
            int next = nextPacketId();
            inflight.put(next, new InFlight(delivery));
            send(next, delivery, false);
        } else if (nodeQueued.tryReserve(bytes)) {
            queue.add(new Delivery(message, queued.qos(), bytes));
            queuedBytes += bytes;
        } else {
            dropped("limits.max-queued-bytes-total", message, "the node's sessions queue as many bytes as they may");
        }
        return true;
    }

    /** The offline queue is delivered: live messages held behind it follow. */
    public synchronized void replayDone() {
        if (mode != Mode.REPLAYING) {
            return;
        }
        mode = Mode.NORMAL;
        if (sharedFrom == UNKNOWN) {
            sharedFrom = Long.MIN_VALUE + 1;
        }
        if (heldLive != null) {
            for (Held h : heldLive) {
                queue.add(h.delivery());
                queuedBytes += h.delivery().bytes();
            }
            heldLive = null;
            heldBytes = 0;
            drain();
        }
    }

    public synchronized boolean replaying() {
        return mode == Mode.REPLAYING;
    }

    public synchronized boolean handedOff() {
        return mode == Mode.HANDED_OFF;
    }

    /**
     * The client went and the session moves to a shared store: returns what it owes the client (in flight and
     * not released, then queued; then what was held behind the offline queue), and sends what is routed to it
     * from now on to {@code next}.
     */
    public synchronized HandOff handOff(QueueSink next) {
        List<QueuedMessage> owed = new ArrayList<>();
        Set<Integer> released = new HashSet<>();
        if (inflight != null) {
            inflight.forEach((id, f) -> {
                if (f.released) {
                    released.add(id);
                } else {
                    owed.add(new QueuedMessage(f.delivery.message(), f.delivery.qos(), id));
                }
            });
            for (Delivery d : queue) {
                owed.add(new QueuedMessage(d.message(), d.qos(), 0));
            }
            inflight.clear();
            queue.clear();
        }
        List<QueuedMessage> held = new ArrayList<>();
        if (heldLive != null) {
            for (Held h : heldLive) {
                held.add(new QueuedMessage(h.delivery().message(), h.delivery().qos(), 0));
            }
            heldLive = null;
        }
        nodeQueued.release(queuedBytes + heldBytes);
        queuedBytes = 0;
        heldBytes = 0;
        Set<Integer> awaiting = new HashSet<>();
        if (inboundQos2 != null) {
            // an id whose message is not yet durable is left out: the client resends it and it is routed then
            inboundQos2.forEach((id, f) -> {
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    awaiting.add(id);
                }
            });
        }
        mode = Mode.HANDED_OFF;
        sink = next;
        return new HandOff(owed, held, Map.copyOf(subscriptions()), awaiting, released);
    }

    private void dropped(String limit, Message message, String why) {
        metrics.droppedQueueFull();
        metrics.limitExceeded(limit, "QoS %d message on %s for %s dropped: %s (%d messages, %d bytes queued)",
                message.qos(), message.topic(), clientId, why, queue == null ? 0 : queue.size(), queuedBytes);
    }

    /** The connection takes data again: send what waited for it. */
    public synchronized void writable() {
        if (inflight != null && mode != Mode.HANDED_OFF) {
            drain();
        }
    }

    /** PUBACK for a QoS 1 message we sent. */
    public synchronized void acknowledged(int packetId) {
        InFlight f = inflight == null ? null : inflight.get(packetId);
        if (f != null && f.delivery.qos() == 1) {
            inflight.remove(packetId);
            drain();
        }
    }

    /** PUBREC for a QoS 2 message we sent: answer PUBREL [MQTT-4.3.3-1]. */
    public synchronized void received(int packetId) {
        InFlight f = inflight == null ? null : inflight.get(packetId);
        if (f != null && f.delivery.qos() == 2) {
            f.released = true;
        }
        if (link != null) {
            link.send(new Packet.PubRel(packetId));
        }
    }

    /** PUBCOMP for a QoS 2 message we sent: the exchange is over. */
    public synchronized void completed(int packetId) {
        InFlight f = inflight == null ? null : inflight.get(packetId);
        if (f != null && f.released) {
            inflight.remove(packetId);
            drain();
        }
    }

    /**
     * Records an inbound QoS 2 packet id. Returns the stage of the first delivery when the id is
     * already known (a resent PUBLISH: acknowledge it once that completes, route nothing), or null
     * when the id is new and {@code handling} now stands for it.
     */
    public synchronized CompletableFuture<Void> inboundQos2(int packetId, CompletableFuture<Void> handling) {
        if (inboundQos2 == null) {
            inboundQos2 = new HashMap<>(4);
        }
        CompletableFuture<Void> first = inboundQos2.get(packetId);
        if (first != null) {
            return first;
        }
        if (inboundQos2.size() >= maxAwaitingRelease) {
            return TOO_MANY_AWAITING_RELEASE;
        }
        inboundQos2.put(packetId, handling);
        // A message the mirror refused was never acknowledged: the id must not stay bound to that failure, or
        // every resend of it (after a reconnect to this persistent session) would fail again for good.
        handling.whenComplete((ok, error) -> {
            if (error != null) {
                forgetInboundQos2(packetId, handling);
            }
        });
        return null;
    }

    private synchronized void forgetInboundQos2(int packetId, CompletableFuture<Void> handling) {
        if (inboundQos2 != null) {
            inboundQos2.remove(packetId, handling);
        }
    }

    /** Inbound QoS 2 ids recorded and not yet released (tests). */
    public synchronized int awaitingReleaseCount() {
        return inboundQos2 == null ? 0 : inboundQos2.size();
    }

    /** PUBREL for an inbound QoS 2 message: the id may be reused [MQTT-4.3.3-2]. */
    public synchronized void released(int packetId) {
        if (inboundQos2 != null) {
            inboundQos2.remove(packetId);
        }
    }

    public synchronized int inflightCount() {
        return inflight == null ? 0 : inflight.size();
    }

    public synchronized int queuedCount() {
        return queue == null ? 0 : queue.size();
    }

    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** Whether the client may be sent {@code message} now; before the first connection, decided when it is sent. */
    private boolean mayReceive(Message message) {
        return receiveCheck == null || receiveCheck.mayReceive(message.topic(), subscriptions(), subscriptionsVersion);
    }

    private void drain() {
        while (link != null && !queue.isEmpty() && inflight.size() < window() && link.isWritable()) {
            Delivery delivery = queue.poll();
            queuedBytes -= delivery.bytes();
            nodeQueued.release(delivery.bytes());
            if (!mayReceive(delivery.message())) {
                continue;
            }
            if (expired(delivery.message())) {
                continue; // [MQTT-3.3.2-5] not delivered once its expiry interval has passed
            }
            int id = nextPacketId();
            inflight.put(id, new InFlight(delivery));
            if (!send(id, delivery, false)) {
                inflight.remove(id);
            }
        }
    }

    /** False when the message was too large for the client: the caller frees its packet id. */
    private boolean send(int packetId, Delivery delivery, boolean dup) {
        Message m = delivery.message();
        Packet.Publish publish = publishPacket(m, delivery.qos(), dup, packetId);
        if (publish == null) {
            return false;
        }
        link.send(publish);
        metrics.sent();
        return true;
    }

    /**
     * The PUBLISH for the current connection: the MQTT 5 properties with what is left of the expiry interval
     * [MQTT-3.3.2-6]; null (dropped and counted) when it is larger than the client's Maximum Packet Size
     * [MQTT-3.1.2-24].
     */
    private Packet.Publish publishPacket(Message m, int qos, boolean dup, int packetId) {
        PublishProperties properties = m.properties();
        if (properties != PublishProperties.NONE) {
            long remaining = m.remainingExpirySeconds(System.currentTimeMillis());
            if (remaining != properties.messageExpirySeconds() || properties.topicAlias() != 0) {
                properties = properties.forDelivery(remaining, properties.subscriptionIds());
            }
        }
        Packet.Publish publish = new Packet.Publish(m.topic(), m.payload(), qos, m.retain(), dup, packetId, properties);
        if (v5 != null && v5.tooLarge(publish)) {
            metrics.droppedFor("packet_too_large");
            metrics.limitExceeded("client.maximum-packet-size", "message on %s for %s dropped: larger than the %d bytes"
                    + " the client accepts", m.topic(), clientId, v5.clientMaximumPacketSize());
            return null;
        }
        return publish;
    }

    private boolean expired(Message message) {
        if (message.properties().messageExpirySeconds() < 0 || !message.expiredAt(System.currentTimeMillis())) {
            return false;
        }
        metrics.droppedFor("expired");
        return true;
    }

    /** Unacknowledged QoS 1/2 messages the client may have: ours, or fewer if its Receive Maximum says so. */
    private int window() {
        return v5 == null ? maxInflight : Math.min(maxInflight, v5.clientReceiveMaximum());
    }

    // ---------------------------------------------------------------- MQTT 5

    /** The MQTT 5 state of the session, created for the first MQTT 5 connection. */
    public synchronized SessionV5 v5() {
        if (v5 == null) {
            v5 = new SessionV5();
        }
        return v5;
    }

    /** The MQTT 5 state, or null when no MQTT 5 connection has used the session. */
    public synchronized SessionV5 v5OrNull() {
        return v5;
    }

    /** Packet ids 1..65535 [MQTT-2.3.1-1], skipping ids still in flight. */
    private int nextPacketId() {
        for (int tries = 0; tries < 65_535; tries++) {
            lastPacketId = lastPacketId == 65_535 ? 1 : lastPacketId + 1;
            if (!inflight.containsKey(lastPacketId)) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("no free packet id"); // unreachable: maxInflight < 65535
    }

    @Override
    public String toString() {
        return "Session[" + clientId + (cleanSession ? ", clean" : ", persistent") + "]";
    }
}
