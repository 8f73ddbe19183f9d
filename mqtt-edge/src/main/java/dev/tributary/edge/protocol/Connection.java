package dev.tributary.edge.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.tributary.common.log.Untrusted;
import dev.tributary.common.topic.Topics;
import dev.tributary.edge.auth.Authenticator;
import dev.tributary.edge.auth.PublishCheck;
import dev.tributary.edge.mqtt.Packet.ConnAck;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import dev.tributary.edge.session.Session;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.ClientLink;
import dev.tributary.edge.mqtt.Footprint;

/**
 * The MQTT 3.1/3.1.1 state machine of one network connection: packets in, packets out through
 * its {@link ClientLink}, state changes in the shared {@link Broker}. All methods run on the
 * connection's own thread (the link's executor); nothing here knows about Netty.
 */
public final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class);
    private static final VarHandle ACK_FLUSH_SCHEDULED;

    static {
        try {
            ACK_FLUSH_SCHEDULED = MethodHandles.lookup().findVarHandle(Connection.class, "ackFlushScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private enum State { AWAIT_CONNECT, AUTHENTICATING, CONNECTED, CLOSED }

    /** An inbound QoS 1/2 PUBLISH whose acknowledgement waits for the mirror, kept in arrival order. */
    private static final class PendingAck {
        final int packetId;
        final int qos;
        final long bytes;
        volatile boolean ready; // set by the mirror's thread

        PendingAck(int packetId, int qos, long bytes) {
            this.packetId = packetId;
            this.qos = qos;
            this.bytes = bytes;
        }
    }

    private final Broker broker;
    private final ClientLink link;

    // created on first use: most connections of a fleet are idle most of the time
    private ArrayDeque<PendingAck> pendingAcks;
    /** Footprint of the messages behind {@link #pendingAcks}: this client's share of the mirror's backlog. */
    private long pendingAckBytes;
    private ArrayDeque<Packet> held;
    private long heldBytes;
    /** Set while the client is not read from, until the mirror has room for what it sent (any thread reads it). */
    private volatile boolean readingPaused;
    /**
     * One flush task at a time: a Kafka response completes many records, their acks go out in one
     * write. A field with a VarHandle rather than an AtomicBoolean: one object less per connection.
     */
    private volatile boolean ackFlushScheduled;
    private State state = State.AWAIT_CONNECT;
    /** When the last packet arrived, and how long the connection may stay silent (0: for ever). */
    private volatile long lastPacketNanos = System.nanoTime();
    private volatile long idleLimitNanos;
    private String clientId;
    private String username;
    private Packet.Will will;
    /** What the other nodes were told at CONNECT, handed back when the connection ends. */
    private Object presence;
    private Session session;
    private PublishCheck publishCheck;

    Connection(Broker broker, ClientLink link) {
        this.broker = broker;
        this.link = link;
        this.idleLimitNanos = broker.limits().connectTimeout().toNanos();
    }

    public String clientId() {
        return clientId;
    }

    ClientLink link() {
        return link;
    }

    public void received(Packet packet) {
        lastPacketNanos = System.nanoTime();
        switch (state) {
            case AWAIT_CONNECT -> {
                if (packet instanceof Packet.Connect connect) {
                    connect(connect);
                } else {
                    // [MQTT-3.1.0-1] the first packet must be CONNECT
                    violation("first packet was " + name(packet) + ", not CONNECT");
                }
            }
            case AUTHENTICATING -> hold(packet);
            case CONNECTED -> connected(packet);
            default -> {
                // closed: late packets are ignored
            }
        }
    }

    /** A client may send packets right after CONNECT; they wait for the CONNACK, within bounds. */
    private void hold(Packet packet) {
        ClientLimits limits = broker.clientLimits();
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        heldBytes += Footprint.of(packet);
        if (held.size() >= limits.maxPacketsBeforeConnack()) {
            limitExceeded("limits.max-packets-before-connack", "more than " + limits.maxPacketsBeforeConnack()
                    + " packets before CONNACK");
        } else if (heldBytes > limits.maxBytesBeforeConnack()) {
            limitExceeded("limits.max-bytes-before-connack", "more than " + limits.maxBytesBeforeConnack()
                    + " bytes of packets before CONNACK");
        } else {
            held.add(packet);
        }
    }

    private void connected(Packet packet) {
        if (packet instanceof Packet.Publish publish) {
            publish(publish);
        } else if (packet instanceof Packet.PubAck ack) {
            session.acknowledged(ack.packetId());
        } else if (packet instanceof Packet.PubRec rec) {
            session.received(rec.packetId());
        } else if (packet instanceof Packet.PubComp comp) {
            session.completed(comp.packetId());
        } else if (packet instanceof Packet.PubRel rel) {
            session.released(rel.packetId());
            link.send(new Packet.PubComp(rel.packetId())); // [MQTT-4.3.3-2]
        } else if (packet instanceof Packet.Subscribe subscribe) {
            subscribe(subscribe);
        } else if (packet instanceof Packet.Unsubscribe unsubscribe) {
            unsubscribe(unsubscribe);
        } else if (packet instanceof Packet.PingReq) {
            link.send(new Packet.PingResp()); // [MQTT-3.12.4-1]
        } else if (packet instanceof Packet.Disconnect) {
            will = null; // [MQTT-3.14.4-3] a DISCONNECT discards the will
            close("client disconnected", null);
        } else if (packet instanceof Packet.Connect) {
            violation("second CONNECT"); // [MQTT-3.1.0-2]
        } else {
            violation("unexpected " + name(packet) + " from a client");
        }
    }

    // ---------------------------------------------------------------- CONNECT

    private void connect(Packet.Connect connect) {
        ProtocolLimits limits = broker.limits();
        if (connect.protocolLevel() != 3 && connect.protocolLevel() != 4) {
            refuse(ConnectCode.UNACCEPTABLE_PROTOCOL_VERSION, "protocol level " + connect.protocolLevel()); // [MQTT-3.1.2-2]
            return;
        }
        if (!broker.stateLoaded()) {
            // a half-read set of retained messages or of other nodes' subscriptions would serve as if complete
            refuse(ConnectCode.SERVER_UNAVAILABLE, "the node has not read the broker's shared state from Kafka yet");
            return;
        }
        String certificateUser = limits.certificateCnAsUsername() ? link.certificateCommonName() : null;
        if (certificateUser == null) {
            certificateUser = link.peerUser(); // the kernel told the Unix socket peer's uid: as good as a certificate
        }
        String user = certificateUser != null ? certificateUser : connect.username();
        String id = connect.clientId() == null ? "" : connect.clientId();
        if (id.isEmpty()) {
            if (!connect.cleanSession()) {
                refuse(ConnectCode.IDENTIFIER_REJECTED, "empty client id with a persistent session"); // [MQTT-3.1.3-8]
                return;
            }
            // [MQTT-3.1.3-6]; a user's assigned id has the form a user may use (<username>-<suffix>)
            id = (user != null ? user + "-" : "auto-") + UUID.randomUUID();
        } else if (Topics.utf8Length(id) > limits.maxClientIdLength() || id.indexOf('\u0000') >= 0) {
            refuse(ConnectCode.IDENTIFIER_REJECTED, "client id longer than " + limits.maxClientIdLength() + " bytes or with U+0000");
            return;
        }
        if (connect.will() != null) {
            String problem = Topics.nameProblem(connect.will().topic(), limits.topics());
            if (problem != null) {
                clientId = id;
                violation("invalid will topic: " + problem); // [MQTT-3.1.3-10]
                return;
            }
        }
        if (user == null && !limits.allowAnonymous()) {
            refuse(ConnectCode.NOT_AUTHORIZED, "anonymous connect");
            return;
        }
        clientId = id;
        username = user;
        state = State.AUTHENTICATING;
        // throttled per address, not per address and port: each new connection of a client has a new port
        broker.authenticator().authenticate(new Authenticator.ConnectAttempt(clientId, username, connect.password(),
                        link.remoteHost(), certificateUser != null))
                .whenComplete((code, error) -> link.execute(() -> authenticated(connect, code, error)));
    }

    private void authenticated(Packet.Connect connect, ConnectCode code, Throwable error) {
        if (state != State.AUTHENTICATING) {
            return; // closed while the authenticator was deciding
        }
        if (error != null) {
            LOG.warnf(error, "authenticating %s failed", Untrusted.quote(clientId));
            refuse(ConnectCode.SERVER_UNAVAILABLE, "authenticator failed");
            return;
        }
        if (code != ConnectCode.ACCEPTED) {
            refuse(code, "authentication");
            return;
        }
        // the client's connection on any other node closes [MQTT-3.1.4-2]; told before the session is opened, as a
        // session that moves between nodes waits for that connection to hand it over
        presence = broker.otherNodes().clientConnected(clientId, username, connect.will(),
                () -> link.execute(() -> close("connected to another node", "session_taken_over")));
        var opened = broker.sessions().connectAsync(clientId, connect.cleanSession()).toCompletableFuture();
        if (opened.isDone() && !opened.isCompletedExceptionally()) {
            sessionOpened(connect, opened.getNow(null), null);
        } else {
            opened.whenComplete((attached, failure) -> link.execute(() -> sessionOpened(connect, attached, failure)));
        }
    }

    /** The session store has the session for this connection (at once, but for a session that moves between nodes). */
    private void sessionOpened(Packet.Connect connect, SessionRegistry.Attached attached, Throwable error) {
        if (error != null) {
            LOG.warnf("opening the session of %s failed: %s", Untrusted.quote(clientId), error.toString());
            if (state == State.AUTHENTICATING) {
                refuse(ConnectCode.SERVER_UNAVAILABLE, "session store failed");
            }
            return;
        }
        if (state != State.AUTHENTICATING) {
            broker.sessions().disconnected(attached.session(), null); // closed while the session was opened
            return;
        }
        if (attached.takenOver() != null) {
            LOG.debugf("client %s connected again from %s: closing its previous connection", Untrusted.quote(clientId), link.remoteAddress());
            broker.metrics().closed("session_taken_over");
            attached.takenOver().close();
        }
        session = attached.session();
        publishCheck = broker.authorizer().publishCheck(clientId, username);
        will = connect.will();
        state = State.CONNECTED;
        broker.metrics().connectAccepted();
        // [MQTT-3.2.2-1] sessionPresent 0 for a clean session, [MQTT-3.2.2-2] else whether state was kept
        link.send(new ConnAck(ConnectCode.ACCEPTED, attached.sessionPresent()));
        // [MQTT-3.1.2-24] closed after 1.5 × keep alive without a packet; 0 turns it off [MQTT-3.1.2-10]
        idleLimitNanos = connect.keepAliveSeconds() * 1_500_000_000L;
        session.attach(link, broker.authorizer().receiveCheck(clientId, username));
        broker.sessions().attached(session);
        while (held != null && state == State.CONNECTED && !held.isEmpty()) {
            connected(held.poll());
        }
        held = null;
        heldBytes = 0;
    }

    private void refuse(ConnectCode code, String why) {
        LOG.debugf("refused CONNECT from %s: %s (%s)", link.remoteAddress(), why, code);
        broker.metrics().connectRefused(code.name().toLowerCase());
        link.send(new ConnAck(code, false)); // [MQTT-3.2.2-4] sessionPresent 0 with a non-zero code
        close("connect refused", null);
    }

    // ---------------------------------------------------------------- PUBLISH

    private void publish(Packet.Publish publish) {
        String problem = Topics.nameProblem(publish.topic(), broker.limits().topics());
        if (problem != null) {
            violation("PUBLISH topic: " + problem); // [MQTT-3.3.2-2], [MQTT-4.7.3-1]
            return;
        }
        if (publish.qos() > 0 && publish.packetId() == 0) {
            violation("PUBLISH QoS " + publish.qos() + " without packet id"); // [MQTT-2.3.1-1]
            return;
        }
        Message message = new Message(publish.topic(), publish.payload(), publish.qos(), publish.retain(),
                clientId, username, System.currentTimeMillis());
        // A denied PUBLISH is acknowledged and dropped: MQTT 3.1.1 has no negative acknowledgement.
        boolean allowed = publishCheck.mayPublish(publish.topic());
        switch (publish.qos()) {
            case 0 -> {
                if (allowed) {
                    broker.publish(message);
                }
            }
            case 1 -> acknowledgeWhenDone(publish.packetId(), 1, allowed ? Footprint.of(message) : 0,
                    allowed ? broker.publish(message).toCompletableFuture() : CompletableFuture.completedFuture(null));
            default -> {
                CompletableFuture<Void> handling = new CompletableFuture<>();
                CompletableFuture<Void> first = session.inboundQos2(publish.packetId(), handling);
                if (first == Session.TOO_MANY_AWAITING_RELEASE) {
                    // a client that never sends PUBREL would otherwise grow the table for ever
                    limitExceeded("limits.max-awaiting-release", "more than " + broker.sessions().limits().maxAwaitingRelease()
                            + " QoS 2 packet ids awaiting PUBREL");
                    return;
                }
                if (first != null) {
                    // [MQTT-4.3.3-2] a resent QoS 2 PUBLISH is acknowledged, not delivered again
                    acknowledgeWhenDone(publish.packetId(), 2, 0, first);
                    return;
                }
                CompletableFuture<Void> done = allowed ? broker.publish(message).toCompletableFuture()
                        : CompletableFuture.completedFuture(null);
                done.whenComplete((ok, error) -> {
                    if (error != null) {
                        handling.completeExceptionally(error);
                    } else {
                        handling.complete(null);
                    }
                });
                acknowledgeWhenDone(publish.packetId(), 2, allowed ? Footprint.of(message) : 0, handling);
            }
        }
        if (publish.qos() > 0 && !readingPaused && (pendingAckBytes > broker.clientLimits().maxPendingAckBytes()
                || broker.mirrorFull())) {
            pauseReading();
        }
    }

    /**
     * Holds the client back: its QoS 1/2 messages wait for the mirror with more bytes than it may have
     * waiting, or the mirror is full. It is read again once they are acknowledged or the mirror has room
     * ({@link #resumeReadingIfRoom}); until then it gets no PUBACK, which is what back-pressure means in MQTT.
     */
    private void pauseReading() {
        readingPaused = true;
        boolean own = pendingAckBytes > broker.clientLimits().maxPendingAckBytes();
        broker.metrics().limitExceeded(own ? "limits.max-pending-ack-bytes" : "mirror.max-pending-bytes",
                "not reading from %s (%s) until %s", clientId, link.remoteAddress(),
                own ? "its " + pendingAckBytes + " bytes of QoS 1/2 messages are in Kafka" : "the mirror to Kafka has room");
        link.pauseReading();
    }

    /** Reads from a held-back client again once what held it back is gone. */
    void resumeReadingIfRoom() {
        if (readingPaused && state == State.CONNECTED && pendingAckBytes <= broker.clientLimits().maxPendingAckBytes()
                && !broker.mirrorFull()) {
            readingPaused = false;
            // the client was silent because it was not read: keep alive counts from now
            lastPacketNanos = System.nanoTime();
            link.resumeReading();
        }
    }

    boolean isReadingPaused() {
        return readingPaused;
    }

    /**
     * Acknowledges once the mirror has the message, in the order the PUBLISH packets arrived
     * [MQTT-4.6.0-2], whatever order the mirror completes them in.
     */
    private void acknowledgeWhenDone(int packetId, int qos, long bytes, CompletableFuture<Void> done) {
        PendingAck pending = new PendingAck(packetId, qos, bytes);
        if (pendingAcks == null) {
            pendingAcks = new ArrayDeque<>(16);
        }
        pendingAcks.add(pending);
        pendingAckBytes += bytes;
        if (done.isDone() && !done.isCompletedExceptionally()) {
            pending.ready = true;
            flushAcks();
            return;
        }
        done.whenComplete((ok, error) -> {
            if (error != null) {
                link.execute(() -> refusedByMirror(packetId, error));
                return;
            }
            pending.ready = true;
            if (ACK_FLUSH_SCHEDULED.compareAndSet(this, false, true)) {
                link.execute(() -> {
                    ackFlushScheduled = false;
                    flushAcks();
                });
            }
        });
    }

    private void flushAcks() {
        boolean wrote = false;
        while (state == State.CONNECTED && pendingAcks != null && !pendingAcks.isEmpty() && pendingAcks.peek().ready) {
            PendingAck ack = pendingAcks.poll();
            pendingAckBytes -= ack.bytes;
            link.write(ack.qos == 1 ? new Packet.PubAck(ack.packetId) : new Packet.PubRec(ack.packetId));
            wrote = true;
        }
        if (wrote) {
            link.flush();
            resumeReadingIfRoom();
        }
    }

    private void refusedByMirror(int packetId, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        // MQTT 3.1.1 cannot say "refused" in a PUBACK: no acknowledgement, and the connection closes
        LOG.warnf("message %d from %s refused by the mirror, closing the connection: %s", packetId, Untrusted.quote(clientId), error.getMessage());
        close("mirror refused a message", "mirror_refused");
    }

    // ---------------------------------------------------------------- SUBSCRIBE

    private void subscribe(Packet.Subscribe subscribe) {
        if (subscribe.subscriptions().isEmpty()) {
            violation("SUBSCRIBE without topic filters"); // [MQTT-3.8.3-3]
            return;
        }
        List<Packet.Subscription> requested = subscribe.subscriptions();
        int maxFilters = broker.clientLimits().maxFiltersPerSubscribe();
        if (requested.size() > maxFilters) {
            broker.metrics().limitExceeded("limits.max-filters-per-subscribe",
                    "SUBSCRIBE of %d filters from %s: the %d beyond the first %d get return code 0x80",
                    requested.size(), clientId, requested.size() - maxFilters, maxFilters);
        }
        // [MQTT-3.8.4-5] one return code per filter, in order: 0x80 for a filter refused, whatever the reason
        Integer[] codes = new Integer[requested.size()];
        List<Packet.Subscription> candidates = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            Packet.Subscription s = requested.get(i);
            if (i >= maxFilters || Topics.filterProblem(s.filter(), broker.limits().topics()) != null || s.qos() < 0
                    || s.qos() > 2 || !session.maySubscribe(s.filter())) {
                codes[i] = Packet.SUBACK_FAILURE;
            } else {
                candidates.add(s);
                positions.add(i);
            }
        }
        // one call for the whole packet: a persistent session is saved once, not once per filter
        boolean[] added = broker.sessions().subscribe(session, candidates);
        List<Packet.Subscription> granted = new ArrayList<>(candidates.size());
        int refused = 0;
        for (int k = 0; k < added.length; k++) {
            Packet.Subscription s = candidates.get(k);
            if (added[k]) {
                codes[positions.get(k)] = s.qos();
                granted.add(s);
            } else {
                codes[positions.get(k)] = Packet.SUBACK_FAILURE;
                refused++;
            }
        }
        if (refused > 0) {
            broker.metrics().limitExceeded("limits.max-subscriptions-per-session",
                    "%d filters of a SUBSCRIBE from %s refused (0x80): the session holds %d subscriptions", refused,
                    clientId, session.subscriptions().size());
        }
        link.send(new Packet.SubAck(subscribe.packetId(), List.of(codes))); // [MQTT-3.8.4-1]
        // [MQTT-3.3.1-6] retained messages follow the SUBACK, with retain set [MQTT-3.3.1-8]
        for (Packet.Subscription s : granted) {
            for (Message retained : broker.retained().matching(s.filter())) {
                session.deliver(retained.withRetain(true), s.qos());
            }
        }
    }

    private void unsubscribe(Packet.Unsubscribe unsubscribe) {
        if (unsubscribe.filters().isEmpty()) {
            violation("UNSUBSCRIBE without topic filters"); // [MQTT-3.10.3-2]
            return;
        }
        broker.sessions().unsubscribe(session, unsubscribe.filters());
        link.send(new Packet.UnsubAck(unsubscribe.packetId())); // [MQTT-3.10.4-4]
    }

    // ---------------------------------------------------------------- closing

    /** A packet the codec could not accept: closes the connection, publishing the will. */
    public void violation(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.infof("closing %s (%s): protocol violation: %s", clientId == null ? "a client" : "client " + Untrusted.quote(clientId),
                link.remoteAddress(), reason);
        close(reason, "protocol_violation");
    }

    /**
     * The client made the node hold more than a limit allows ({@code limit}, its configuration key): the
     * connection is closed, the will is due, and the limit is counted and logged (rate-limited).
     */
    public void limitExceeded(String limit, String detail) {
        if (state == State.CLOSED) {
            return;
        }
        broker.metrics().limitExceeded(limit, "closing %s (%s): %s", clientId == null ? "a client" : "client " + clientId,
                link.remoteAddress(), detail);
        close(detail, "limit_exceeded");
    }

    /** The connection takes data again after the client read what waited: the session sends what it held back. */
    public void writable() {
        if (state == State.CONNECTED) {
            session.writable();
        }
    }

    /** The decoder met a CONNECT of a protocol version we do not speak: CONNACK 1, then close. */
    public void unsupportedProtocolVersion(String detail) {
        if (state == State.AWAIT_CONNECT) {
            refuse(ConnectCode.UNACCEPTABLE_PROTOCOL_VERSION, detail);
        } else {
            violation(detail);
        }
    }

    /** The decoder rejected a CONNECT's client id (MQTT 3.1's 23-character rule). */
    public void identifierRejected(String detail) {
        if (state == State.AWAIT_CONNECT) {
            refuse(ConnectCode.IDENTIFIER_REJECTED, detail);
        } else {
            violation(detail);
        }
    }

    /**
     * Whether, at {@code nowNanos}, the connection has been silent longer than allowed: 1.5 × keep
     * alive once connected, the connect timeout before. Any thread may ask; {@link #idle()} acts.
     */
    boolean idleAt(long nowNanos) {
        long limit = idleLimitNanos;
        // a client held back is silent because it is not read, not because it is gone
        return limit > 0 && state != State.CLOSED && !readingPaused && nowNanos - lastPacketNanos > limit;
    }

    /** No packet within 1.5 × keep alive [MQTT-3.1.2-24], or no CONNECT within the connect timeout. */
    public void idle() {
        if (state == State.CLOSED) {
            return;
        }
        boolean connected = state == State.CONNECTED;
        LOG.debugf("closing %s: %s", clientId == null ? link.remoteAddress() : Untrusted.quote(clientId),
                connected ? "keep alive expired" : "no CONNECT in time");
        close(connected ? "keep alive expired" : "connect timeout", connected ? "keepalive_timeout" : "connect_timeout");
    }

    /**
     * Closes the connection if it is logged in as a user {@code user} names. The will goes out only if
     * the ACL still allows it, which it does not for a disabled or deleted principal.
     */
    void closeIfUser(Predicate<String> user, String reason) {
        if (state == State.CONNECTED && username != null && user.test(username)) {
            LOG.infof("closing %s (user %s): %s", Untrusted.quote(clientId), Untrusted.quote(username), reason);
            close(reason, "auth_revoked");
        }
    }

    /** The server closes the connection (shutdown, limits): the will is due. */
    public void serverClose(String reason) {
        link.execute(() -> close(reason, "server_shutdown"));
    }

    /** The network connection ended, whoever closed it. The will is published unless DISCONNECT discarded it. */
    public void connectionLost() {
        close("connection lost", null);
    }

    private void close(String reason, String metric) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasConnected = state == State.CONNECTED;
        if (!wasConnected && presence != null) {
            broker.otherNodes().clientDisconnected(clientId, presence); // closed while its session was opened
        }
        state = State.CLOSED;
        if (metric != null) {
            broker.metrics().closed(metric);
        }
        if (wasConnected) {
            Packet.Will due = will;
            will = null;
            broker.sessions().disconnected(session, link);
            broker.otherNodes().clientDisconnected(clientId, presence);
            if (due != null && broker.authorizer().mayPublish(clientId, username, due.topic())) {
                // [MQTT-3.1.2-8] published when the connection closes without DISCONNECT; mirrored
                // like any message the device published
                broker.publish(new Message(due.topic(), due.payload(), due.qos(), due.retain(),
                        clientId, username, System.currentTimeMillis()));
            }
        }
        broker.closed(this);
        link.close();
    }

    private static String name(Packet packet) {
        return packet.getClass().getSimpleName().toUpperCase();
    }

    @Override
    public String toString() {
        return "Connection[" + clientId + " from " + link.remoteAddress() + ", " + state + "]";
    }
}
