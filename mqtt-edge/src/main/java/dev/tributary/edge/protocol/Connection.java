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
import dev.tributary.edge.mqtt.PublishProperties;
import dev.tributary.edge.mqtt.ReasonCode;

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
        /** MQTT 5 reason code of the PUBACK/PUBREC; success unless the message was refused. */
        int reasonCode;

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
    /** The client id the node assigned to a CONNECT without one, or null. */
    private String assignedClientId;
    private String username;
    private Packet.Will will;
    /** What the other nodes were told at CONNECT, handed back when the connection ends. */
    private Object presence;
    private Session session;
    private PublishCheck publishCheck;
    /** What an MQTT 5 connection adds; null for 3.1/3.1.1. */
    private ConnectionV5 v5;
    /** Inbound QoS 1 PUBLISH packets not yet acknowledged: with the QoS 2 ones awaiting PUBREL, what Receive Maximum counts. */
    private int pendingQos1;

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
        } else if (packet instanceof Packet.Disconnect disconnect) {
            if (v5 != null) {
                disconnect5(disconnect);
                return;
            }
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
        if (connect.protocolLevel() != 3 && connect.protocolLevel() != 4 && connect.protocolLevel() != Packet.MQTT_5) {
            refuse(ConnectCode.UNACCEPTABLE_PROTOCOL_VERSION, "protocol level " + connect.protocolLevel()); // [MQTT-3.1.2-2]
            return;
        }
        if (connect.protocolLevel() == Packet.MQTT_5 && !connect5(connect)) {
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
            if (!connect.cleanSession() && v5 == null) {
                refuse(ConnectCode.IDENTIFIER_REJECTED, "empty client id with a persistent session"); // [MQTT-3.1.3-8]
                return;
            }
            // [MQTT-3.1.3-6]; a user's assigned id has the form a user may use (<username>-<suffix>)
            id = (user != null ? user + "-" : "auto-") + UUID.randomUUID();
            assignedClientId = id; // told to an MQTT 5 client [MQTT-3.2.2-16]
        } else if (Topics.utf8Length(id) > limits.maxClientIdLength() || id.indexOf('\u0000') >= 0) {
            refuse(ConnectCode.IDENTIFIER_REJECTED, "client id longer than " + limits.maxClientIdLength() + " bytes or with U+0000");
            return;
        }
        if (connect.will() != null) {
            String problem = Topics.nameProblem(connect.will().topic(), limits.topics());
            if (problem != null) {
                clientId = id;
                if (v5 != null) {
                    refuse(ConnectCode.TOPIC_NAME_INVALID, "invalid will topic: " + problem);
                    return;
                }
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
                () -> link.execute(() -> takenOver("connected to another node", "session_taken_over")));
        var opened = (v5 != null
                ? broker.sessions().connect5Async(clientId, connect.cleanSession(), v5.sessionExpirySeconds)
                : broker.sessions().connectAsync(clientId, connect.cleanSession())).toCompletableFuture();
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
            broker.takeOver(attached.takenOver());
        }
        session = attached.session();
        sessionAttached5();
        publishCheck = broker.authorizer().publishCheck(clientId, username);
        will = connect.will();
        state = State.CONNECTED;
        broker.metrics().connectAccepted();
        // [MQTT-3.2.2-1] sessionPresent 0 for a clean session, [MQTT-3.2.2-2] else whether state was kept
        link.send(new ConnAck(ConnectCode.ACCEPTED, attached.sessionPresent(), v5 == null ? null : connAckProperties(connect)));
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
        // [MQTT-3.2.2-4] sessionPresent 0 with a non-zero code; an MQTT 5 client gets the MQTT 5 code and why
        link.send(new ConnAck(code, false, v5 == null ? null
                : Packet.ConnAckProperties.refusal(v5.requested.requestProblemInformation() ? why : null)));
        close("connect refused", null);
    }

    // ---------------------------------------------------------------- PUBLISH

    private void publish(Packet.Publish publish) {
        if (v5 != null) {
            publish = publish5(publish);
            if (publish == null) {
                return;
            }
        }
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
                clientId, username, System.currentTimeMillis(), publish.properties());
        // A denied PUBLISH is acknowledged and dropped: MQTT 3.1.1 has no negative acknowledgement.
        boolean allowed = publishCheck.mayPublish(publish.topic());
        if (!allowed && v5 != null) {
            denied5(publish);
            return;
        }
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
        acknowledgeWhenDone(packetId, qos, bytes, done, ReasonCode.SUCCESS);
    }

    /** As above, with the MQTT 5 reason code the PUBACK/PUBREC is to carry. */
    private void acknowledgeWhenDone(int packetId, int qos, long bytes, CompletableFuture<Void> done, int reasonCode) {
        PendingAck pending = new PendingAck(packetId, qos, bytes);
        pending.reasonCode = reasonCode;
        if (qos == 1) {
            pendingQos1++;
        }
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
                link.execute(() -> {
                    if (v5 != null) {
                        refusedByMirror5(pending, error);
                    } else {
                        refusedByMirror(packetId, error);
                    }
                });
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
            if (ack.qos == 1) {
                pendingQos1--;
            }
            link.write(ack.qos == 1 ? new Packet.PubAck(ack.packetId, ack.reasonCode) : new Packet.PubRec(ack.packetId, ack.reasonCode));
            if (ack.reasonCode >= ReasonCode.UNSPECIFIED_ERROR) {
                broker.metrics().reasonCodeSent(ack.qos == 1 ? "PUBACK" : "PUBREC", ack.reasonCode);
                if (ack.qos == 2) {
                    session.released(ack.packetId); // a PUBREC of 0x80 or more ends the exchange [MQTT-4.3.3-4 of MQTT 5]
                }
            }
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
            if (i >= maxFilters) {
                codes[i] = subAckFailure(ReasonCode.QUOTA_EXCEEDED);
            } else if (v5 != null && s.filter().startsWith("$share/")) {
                codes[i] = ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED; // announced unavailable in CONNACK
            } else if (Topics.filterProblem(s.filter(), broker.limits().topics()) != null || s.qos() < 0 || s.qos() > 2) {
                codes[i] = subAckFailure(ReasonCode.TOPIC_FILTER_INVALID);
            } else if (!session.maySubscribe(s.filter())) {
                codes[i] = subAckFailure(ReasonCode.NOT_AUTHORIZED);
                if (v5 != null) {
                    LOG.infof("SUBSCRIBE of %s by %s denied by the ACL (0x87)", Untrusted.quote(s.filter()), Untrusted.quote(clientId));
                }
            } else {
                candidates.add(s);
                positions.add(i);
            }
        }
        // what existed before decides Retain Handling 1 [MQTT-3.3.1-10]
        boolean[] existed = new boolean[candidates.size()];
        for (int k = 0; k < existed.length; k++) {
            existed[k] = session.subscriptions().containsKey(candidates.get(k).filter());
        }
        // one call for the whole packet: a persistent session is saved once, not once per filter
        boolean[] added = broker.sessions().subscribe(session, candidates);
        List<Packet.Subscription> granted = new ArrayList<>(candidates.size());
        int refused = 0;
        for (int k = 0; k < added.length; k++) {
            Packet.Subscription s = candidates.get(k);
            if (added[k]) {
                codes[positions.get(k)] = s.qos();
                if (v5 != null) {
                    session.v5().subscribed(s.filter(), s, subscribe.subscriptionId());
                }
                // [MQTT-3.3.1-9 .. 3.3.1-11 of MQTT 5] retain handling 1: only for a new subscription; 2: never
                if (s.retainHandling() == 0 || (s.retainHandling() == 1 && !existed[k])) {
                    granted.add(s);
                }
            } else {
                codes[positions.get(k)] = subAckFailure(ReasonCode.QUOTA_EXCEEDED);
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
        List<Integer> codes = List.of();
        if (v5 != null) {
            // [MQTT-3.11.3-1] one reason code per filter: success, or no subscription existed
            Integer[] each = new Integer[unsubscribe.filters().size()];
            for (int i = 0; i < each.length; i++) {
                String filter = unsubscribe.filters().get(i);
                each[i] = session.subscriptions().containsKey(filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
                session.v5().unsubscribed(filter);
            }
            codes = List.of(each);
        }
        broker.sessions().unsubscribe(session, unsubscribe.filters());
        link.send(new Packet.UnsubAck(unsubscribe.packetId(), codes)); // [MQTT-3.10.4-4]
    }

    // ---------------------------------------------------------------- MQTT 5

    /**
     * Checks what an MQTT 5 CONNECT adds and sets up the connection's MQTT 5 state; false when it was refused.
     * The session expiry interval is cut to the node's maximum (the CONNACK then says so [MQTT-3.2.2-12... ]).
     */
    private boolean connect5(Packet.Connect connect) {
        Packet.ConnectProperties requested = connect.properties() == null ? Packet.ConnectProperties.DEFAULTS : connect.properties();
        Mqtt5Limits limits = broker.mqtt5Limits();
        v5 = new ConnectionV5(requested, Math.min(requested.sessionExpirySeconds(), limits.maxSessionExpirySeconds()),
                limits.topicAliasMaximum());
        if (requested.receiveMaximum() == 0) {
            refuse(ConnectCode.PROTOCOL_ERROR, "receive maximum 0"); // a protocol error [MQTT-3.1.2.11.3]
            return false;
        }
        if (requested.maximumPacketSize() == 0) {
            refuse(ConnectCode.PROTOCOL_ERROR, "maximum packet size 0"); // a protocol error [MQTT-3.1.2.11.4]
            return false;
        }
        if (requested.authenticationMethod() != null) {
            // no enhanced authentication method is offered (yet): [MQTT-4.12.0-1] the server refuses the CONNECT
            refuse(ConnectCode.BAD_AUTHENTICATION_METHOD, "authentication method "
                    + Untrusted.quote(requested.authenticationMethod()) + " not supported");
            return false;
        }
        return true;
    }

    /** Tells the session what this connection's client accepts (its MQTT 5 limits hold until the next connection). */
    private void sessionAttached5() {
        if (v5 != null) {
            session.v5().connected(v5.requested.receiveMaximum(), v5.requested.maximumPacketSize(), v5.sessionExpirySeconds);
        } else if (session.v5OrNull() != null) {
            session.v5OrNull().connected(65_535, -1, 0); // a 3.1.1 client on a session an MQTT 5 one used
        }
    }

    /** What an accepted MQTT 5 client is told [MQTT-3.2.2.3]: our limits, and the flags, truthfully. */
    private Packet.ConnAckProperties connAckProperties(Packet.Connect connect) {
        Mqtt5Limits limits = broker.mqtt5Limits();
        long requested = v5.requested.sessionExpirySeconds();
        return new Packet.ConnAckProperties(
                v5.sessionExpirySeconds != requested ? v5.sessionExpirySeconds : -1, // [MQTT-3.2.2-13 .. ] only when cut
                limits.receiveMaximum(),
                -1, // maximum QoS: 2, so left out
                true, // retain available
                limits.maximumPacketSize(),
                assignedClientId,
                limits.topicAliasMaximum(),
                null,
                true, // wildcard subscriptions
                true, // subscription identifiers
                false, // shared subscriptions: not served yet
                -1, // server keep alive: the client's is used
                v5.requested.requestResponseInformation() ? limits.responseInformationFor(clientId) : null);
    }

    /**
     * Resolves the topic alias and checks what MQTT 5 adds to a PUBLISH. Returns the PUBLISH to handle as a
     * 3.1.1 one would be, or null when it was answered here (refused, or the connection closed).
     */
    private Packet.Publish publish5(Packet.Publish publish) {
        PublishProperties p = publish.properties();
        String topic;
        try {
            topic = v5.resolveTopic(publish.topic(), p.topicAlias());
        } catch (ConnectionV5.Refused e) {
            closeWith5(e.reasonCode, e.getMessage());
            return null;
        }
        if (p.responseTopic() != null && Topics.nameProblem(p.responseTopic(), broker.limits().topics()) != null) {
            closeWith5(ReasonCode.PROTOCOL_ERROR, "invalid response topic"); // [MQTT-3.3.2-14]
            return null;
        }
        if (!p.subscriptionIds().isEmpty()) {
            closeWith5(ReasonCode.PROTOCOL_ERROR, "subscription identifier in a PUBLISH from a client"); // [MQTT-3.3.4-6]
            return null;
        }
        int receiveMaximum = broker.mqtt5Limits().receiveMaximum();
        if (publish.qos() > 0 && !(publish.qos() == 2 && publish.dup())
                && pendingQos1 + session.awaitingReleaseCount() >= receiveMaximum) {
            // [MQTT-3.3.4-9 of MQTT 5] more unacknowledged QoS 1/2 PUBLISH packets than the Receive Maximum we announced
            broker.metrics().limitExceeded("mqtt5.receive-maximum", "closing %s: more than %d QoS 1/2 messages unacknowledged",
                    clientId, receiveMaximum);
            closeWith5(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "receive maximum " + receiveMaximum + " exceeded");
            return null;
        }
        if (p.payloadFormat() == 1 && !ConnectionV5.isUtf8(publish.payload())) {
            // [MQTT-3.3.2-4] a payload said to be UTF-8 that is not: refused, not routed, not mirrored
            LOG.infof("PUBLISH on %s from %s refused: payload format indicator 1 on a payload that is not UTF-8 (0x99)",
                    Untrusted.quote(topic), Untrusted.quote(clientId));
            if (publish.qos() == 0) {
                closeWith5(ReasonCode.PAYLOAD_FORMAT_INVALID, "payload is not UTF-8");
            } else {
                acknowledgeWhenDone(publish.packetId(), publish.qos(), 0, CompletableFuture.completedFuture(null),
                        ReasonCode.PAYLOAD_FORMAT_INVALID);
            }
            return null;
        }
        return p.topicAlias() == 0 && topic.equals(publish.topic()) ? publish
                : new Packet.Publish(topic, publish.payload(), publish.qos(), publish.retain(), publish.dup(),
                        publish.packetId(), p.withoutAlias());
    }

    /** [MQTT-3.3.5 of MQTT 5] a PUBLISH the ACL denies: PUBACK or PUBREC 0x87 at QoS 1/2, nothing at QoS 0. */
    private void denied5(Packet.Publish publish) {
        LOG.debugf("PUBLISH on %s from %s denied by the ACL", Untrusted.quote(publish.topic()), Untrusted.quote(clientId));
        if (publish.qos() > 0) {
            acknowledgeWhenDone(publish.packetId(), publish.qos(), 0, CompletableFuture.completedFuture(null),
                    ReasonCode.NOT_AUTHORIZED);
        } else {
            broker.metrics().reasonCodeSent("PUBLISH_QOS0_DENIED", ReasonCode.NOT_AUTHORIZED);
        }
    }

    /**
     * The mirror refused a message for good: an MQTT 5 publisher is told in its PUBACK/PUBREC (0x80, or the
     * code the mirror gave, such as 0x97 quota exceeded) and stays connected; it knows the message is not in Kafka.
     */
    private void refusedByMirror5(PendingAck pending, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        int code = cause instanceof PublishListener.Refused refused ? refused.reasonCode() : ReasonCode.UNSPECIFIED_ERROR;
        LOG.warnf("message %d from %s refused by the mirror, answered 0x%02X: %s", pending.packetId, Untrusted.quote(clientId),
                code, cause.getMessage());
        pending.reasonCode = code;
        pending.ready = true;
        flushAcks();
    }

    /** An MQTT 5 DISCONNECT: a new session expiry interval, and reason 0x04 keeps the will [MQTT-3.14.4-3]. */
    private void disconnect5(Packet.Disconnect disconnect) {
        if (disconnect.sessionExpirySeconds() >= 0) {
            if (v5.requested.sessionExpirySeconds() == 0 && disconnect.sessionExpirySeconds() != 0) {
                violation("DISCONNECT set a session expiry interval where CONNECT set 0"); // [MQTT-3.14.2-2]
                return;
            }
            v5.sessionExpirySeconds = Math.min(disconnect.sessionExpirySeconds(), broker.mqtt5Limits().maxSessionExpirySeconds());
            session.v5().expirySeconds(v5.sessionExpirySeconds);
        }
        if (disconnect.reasonCode() != ReasonCode.DISCONNECT_WITH_WILL) {
            will = null;
        }
        close("client disconnected", null);
    }

    /** Before closing an MQTT 5 connection the server says why [MQTT-4.13.2-1 of MQTT 5]; nothing for 3.1.1. */
    private void disconnectWith(int reasonCode, String reason) {
        if (v5 == null || state != State.CONNECTED) {
            return;
        }
        link.send(new Packet.Disconnect(reasonCode, -1, v5.requested.requestProblemInformation() ? reason : null));
        broker.metrics().reasonCodeSent("DISCONNECT", reasonCode);
    }

    private void closeWith5(int reasonCode, String reason) {
        LOG.infof("closing client %s (%s): %s (0x%02X)", Untrusted.quote(clientId), link.remoteAddress(), reason, reasonCode);
        disconnectWith(reasonCode, reason);
        close(reason, "protocol_violation");
    }

    /** The SUBACK code of a refused filter: MQTT 5's reason, or 0x80 for 3.1.1 (its only failure code). */
    private int subAckFailure(int reasonCode) {
        return v5 != null ? reasonCode : Packet.SUBACK_FAILURE;
    }

    /** The client id connected again (here or on another node): this connection ends, its will is due. */
    private void takenOver(String reason, String metric) {
        disconnectWith(ReasonCode.SESSION_TAKEN_OVER, reason);
        close(reason, metric);
    }

    /** A new connection of the same client id took the session over; on this connection's thread. */
    void sessionTakenOver() {
        takenOver("session taken over by a new connection", null);
    }

    // ---------------------------------------------------------------- closing

    /** A packet the codec could not accept: closes the connection, publishing the will. */
    public void violation(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.infof("closing %s (%s): protocol violation: %s", clientId == null ? "a client" : "client " + Untrusted.quote(clientId),
                link.remoteAddress(), reason);
        disconnectWith(ReasonCode.PROTOCOL_ERROR, reason);
        close(reason, "protocol_violation");
    }

    /** A packet the codec could not decode: as {@link #violation}, with MQTT 5's Malformed Packet (0x81). */
    public void malformed(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.infof("closing %s (%s): malformed packet: %s", clientId == null ? "a client" : "client " + Untrusted.quote(clientId),
                link.remoteAddress(), reason);
        disconnectWith(ReasonCode.MALFORMED_PACKET, reason);
        close(reason, "protocol_violation");
    }

    /** A packet over the size limit: as {@link #violation}, with MQTT 5's Packet Too Large (0x95). */
    public void packetTooLarge(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.infof("closing %s (%s): %s", clientId == null ? "a client" : "client " + Untrusted.quote(clientId),
                link.remoteAddress(), reason);
        disconnectWith(ReasonCode.PACKET_TOO_LARGE, reason);
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
        disconnectWith(ReasonCode.QUOTA_EXCEEDED, detail);
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
        if (connected) {
            disconnectWith(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep alive expired"); // [MQTT-3.1.2-22 of MQTT 5]
        }
        close(connected ? "keep alive expired" : "connect timeout", connected ? "keepalive_timeout" : "connect_timeout");
    }

    /**
     * Closes the connection if it is logged in as a user {@code user} names. The will goes out only if
     * the ACL still allows it, which it does not for a disabled or deleted principal.
     */
    void closeIfUser(Predicate<String> user, String reason) {
        if (state == State.CONNECTED && username != null && user.test(username)) {
            LOG.infof("closing %s (user %s): %s", Untrusted.quote(clientId), Untrusted.quote(username), reason);
            disconnectWith(ReasonCode.ADMINISTRATIVE_ACTION, reason);
            close(reason, "auth_revoked");
        }
    }

    /** The server closes the connection (shutdown, limits): the will is due. */
    public void serverClose(String reason) {
        link.execute(() -> {
            disconnectWith(ReasonCode.SERVER_SHUTTING_DOWN, reason);
            close(reason, "server_shutdown");
        });
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
            if (v5 != null) {
                broker.sessions().disconnected(session, link, v5.sessionExpirySeconds);
            } else {
                broker.sessions().disconnected(session, link);
            }
            broker.otherNodes().clientDisconnected(clientId, presence);
            if (due != null && broker.authorizer().mayPublish(clientId, username, due.topic())) {
                // [MQTT-3.1.2-8] published when the connection closes without DISCONNECT; mirrored
                // like any message the device published
                broker.publish(new Message(due.topic(), due.payload(), due.qos(), due.retain(),
                        clientId, username, System.currentTimeMillis(), due.properties()));
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
