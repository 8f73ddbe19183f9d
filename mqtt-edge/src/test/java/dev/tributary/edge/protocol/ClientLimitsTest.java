package dev.tributary.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Packet.ConnAck;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import dev.tributary.edge.mqtt.Packet.Publish;
import dev.tributary.edge.mqtt.Packet.Subscription;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.retained.RetainedLimits;
import dev.tributary.edge.session.ByteBudget;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionLimits;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.session.SessionStore;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;

/**
 * One client cannot make the node hold more than its limits allow: every per-connection and per-node
 * buffer of the protocol engine has a bound, and reaching it gives the client the spec's answer (0x80, no
 * acknowledgement, or a closed connection) and the operator a count by limit.
 */
class ClientLimitsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final TopicTree tree = new TopicTree();
    private final List<Message> mirroredMessages = new ArrayList<>();
    private Function<Message, CompletableFuture<Void>> mirror = m -> CompletableFuture.completedFuture(null);
    private boolean mirrorFull;
    private final PublishListener listener = new PublishListener() {
        @Override
        public CompletionStage<Void> accepted(Message message) {
            mirroredMessages.add(message);
            return mirror.apply(message);
        }

        @Override
        public boolean isFull() {
            return mirrorFull;
        }
    };
    private final AtomicInteger saves = new AtomicInteger();
    private final SessionStore store = new SessionStore() {
        private final InMemorySessionStore memory = new InMemorySessionStore();

        @Override
        public Optional<Map<String, Integer>> load(String clientId) {
            return memory.load(clientId);
        }

        @Override
        public void save(String clientId, Map<String, Integer> subscriptions) {
            saves.incrementAndGet();
            memory.save(clientId, subscriptions);
        }

        @Override
        public void remove(String clientId) {
            memory.remove(clientId);
        }
    };

    private SessionLimits sessionLimits = new SessionLimits(2, 100, 10_000, 5, 3);
    private ByteBudget nodeQueued = new ByteBudget(1_000_000);
    private ClientLimits clientLimits = new ClientLimits(10, 4_000, 3_000, 4);
    private RetainedLimits retainedLimits = RetainedLimits.UNLIMITED;
    private Broker broker;

    private Broker broker() {
        if (broker == null) {
            broker = new Broker(new SessionRegistry(tree, store, metrics, sessionLimits, nodeQueued), tree,
                    new InMemoryRetainedStore(retainedLimits), listener, OtherNodes.NONE, new AllowAll(), new AllowAll(), metrics,
                    new ProtocolLimits(TopicLimits.SPEC, 64, true, Duration.ofSeconds(5)), clientLimits);
        }
        return broker;
    }

    // ------------------------------------------------------------ before CONNACK

    /** A broker whose CONNECTs wait for {@code decision}: packets sent meanwhile are held. */
    private Broker authenticatingWith(CompletableFuture<ConnectCode> decision) {
        return new Broker(new SessionRegistry(tree, store, metrics, sessionLimits, nodeQueued), tree,
                new InMemoryRetainedStore(), listener, OtherNodes.NONE, attempt -> decision, new AllowAll(), metrics,
                new ProtocolLimits(TopicLimits.SPEC, 64, true, Duration.ofSeconds(5)), clientLimits);
    }

    @Test
    void bytesSentBeforeTheConnackBeyondTheBound_closeTheConnection() {
        CompletableFuture<ConnectCode> decision = new CompletableFuture<>();
        broker = authenticatingWith(decision);
        RecordingLink link = new RecordingLink();
        Connection c = broker.open(link);
        c.received(new Packet.Connect(4, "early", true, 60, null, null, null));
        c.received(new Publish("t", new byte[1_000], 0, false, false, 0));
        c.received(new Publish("t", new byte[1_000], 0, false, false, 0));
        assertThat(link.closed).as("within the bound").isFalse();
        c.received(new Publish("t", new byte[3_000], 0, false, false, 0));
        assertThat(link.closed).isTrue();
        assertThat(limitCount("limits.max-bytes-before-connack")).isEqualTo(1);
        assertThat(registry.counter("tributary.mqtt.disconnects", "reason", "limit_exceeded").count()).isEqualTo(1);
        decision.complete(ConnectCode.ACCEPTED);
        assertThat(link.sent).as("nothing is answered on a closed connection").isEmpty();
    }

    @Test
    void packetsSentBeforeTheConnackBeyondTheCount_closeTheConnection() {
        CompletableFuture<ConnectCode> decision = new CompletableFuture<>();
        broker = authenticatingWith(decision);
        RecordingLink link = new RecordingLink();
        Connection c = broker.open(link);
        c.received(new Packet.Connect(4, "early", true, 60, null, null, null));
        for (int i = 0; i < 11; i++) {
            c.received(new Packet.PingReq());
        }
        assertThat(link.closed).isTrue();
        assertThat(limitCount("limits.max-packets-before-connack")).isEqualTo(1);
    }

    // ------------------------------------------------------------ SUBSCRIBE

    @Test
    void filtersBeyondTheBoundOfOneSubscribe_get0x80_andExistingSubscriptionsStay_MQTT_3_9_3() {
        RecordingLink link = new RecordingLink();
        Connection c = connect(link, "s", true);
        c.received(new Packet.Subscribe(1, List.of(new Subscription("kept", 1))));
        c.received(new Packet.Subscribe(2, List.of(new Subscription("a", 0), new Subscription("b", 1), new Subscription("c", 2),
                new Subscription("kept", 2), new Subscription("e", 0), new Subscription("f", 1))));
        assertThat(link.last()).isEqualTo(new Packet.SubAck(2, List.of(0, 1, 2, 2, 0x80, 0x80)));
        assertThat(tree.size()).isEqualTo(4);
        assertThat(tree.match("e")).isEmpty();
        assertThat(tree.match("kept")).containsEntry("s", 2);
        assertThat(limitCount("limits.max-filters-per-subscribe")).isEqualTo(1);
    }

    @Test
    void subscriptionsBeyondTheBoundOfASession_get0x80_whileReplacingOneStillWorks_MQTT_3_8_4_3() {
        RecordingLink link = new RecordingLink();
        Connection c = connect(link, "s", true);
        c.received(new Packet.Subscribe(1, List.of(new Subscription("a", 0), new Subscription("b", 0), new Subscription("c", 0))));
        c.received(new Packet.Subscribe(2, List.of(new Subscription("d", 0), new Subscription("e", 0), new Subscription("f", 0),
                new Subscription("a", 1))));
        assertThat(link.last()).isEqualTo(new Packet.SubAck(2, List.of(0, 0, 0x80, 1)));
        assertThat(tree.size()).isEqualTo(5);
        assertThat(tree.match("a")).containsEntry("s", 1);
        assertThat(limitCount("limits.max-subscriptions-per-session")).isEqualTo(1);

        // an UNSUBSCRIBE makes room again
        c.received(new Packet.Unsubscribe(3, List.of("b")));
        c.received(new Packet.Subscribe(4, List.of(new Subscription("f", 0))));
        assertThat(link.last()).isEqualTo(new Packet.SubAck(4, List.of(0)));
    }

    @Test
    void persistentSession_isSavedOncePerSubscribe_notOncePerFilter() {
        clientLimits = new ClientLimits(10, 4_000, 3_000, 100);
        sessionLimits = new SessionLimits(2, 100, 10_000, 100, 3);
        Connection c = connect(new RecordingLink(), "s", false);
        List<Subscription> filters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            filters.add(new Subscription("f/" + i, 1));
        }
        int before = saves.get();
        c.received(new Packet.Subscribe(1, filters));
        assertThat(saves.get() - before).isEqualTo(1);
        assertThat(store.load("s")).get().extracting(Map::size).isEqualTo(50);
        c.received(new Packet.Unsubscribe(2, filters.stream().map(Subscription::filter).toList()));
        assertThat(saves.get() - before).isEqualTo(2);
        assertThat(store.load("s")).get().extracting(Map::size).isEqualTo(0);
    }

    // ------------------------------------------------------------ the session's queue

    @Test
    void queuedBytesBeyondTheSessionsBound_dropTheMessageAndCountIt() {
        Connection s = connect(new RecordingLink(), "s", false);
        subscribe(s, "t", 1);
        s.connectionLost();
        Connection p = connect(new RecordingLink(), "p", true);
        // 10,000 bytes per session: four messages of about 2,200 bytes fit, the fifth does not
        for (int i = 1; i <= 6; i++) {
            p.received(new Publish("t", new byte[2_100], 1, false, false, i));
        }
        assertThat(broker.sessions().get("s").queuedCount()).isEqualTo(4);
        assertThat(broker.sessions().get("s").queuedBytes()).isLessThanOrEqualTo(10_000);
        assertThat(registry.counter("tributary.mqtt.messages.dropped", "reason", "queue_full").count()).isEqualTo(2);
        assertThat(limitCount("limits.max-queued-bytes")).isEqualTo(2);
    }

    @Test
    void queuedBytesOfAllSessionsBeyondTheNodesBound_dropTheMessage_andEndedSessionsGiveTheirBytesBack() {
        nodeQueued = new ByteBudget(5_000);
        Connection a = connect(new RecordingLink(), "a", false);
        subscribe(a, "t", 1);
        a.connectionLost();
        Connection b = connect(new RecordingLink(), "b", false);
        subscribe(b, "t", 1);
        b.connectionLost();
        Connection p = connect(new RecordingLink(), "p", true);
        p.received(new Publish("t", new byte[2_000], 1, false, false, 1)); // both sessions: 2 × ~2,100
        p.received(new Publish("t", new byte[2_000], 1, false, false, 2)); // fits neither
        assertThat(broker.sessions().get("a").queuedCount() + broker.sessions().get("b").queuedCount()).isEqualTo(2);
        assertThat(limitCount("limits.max-queued-bytes-total")).isEqualTo(2);
        assertThat(nodeQueued.used()).isLessThanOrEqualTo(5_000);

        // "a" comes back with a clean session: its queue is given up, and its bytes with it
        connect(new RecordingLink(), "a", true).received(new Packet.Disconnect());
        assertThat(nodeQueued.used()).isEqualTo(broker.sessions().get("b").queuedBytes());
    }

    @Test
    void subscriberThatDoesNotRead_keepsQos1InItsQueue_notInTheSocket_andGetsThemWhenItReadsAgain() {
        RecordingLink slow = new RecordingLink();
        Connection s = connect(slow, "s", true);
        subscribe(s, "t", 1);
        slow.writable = false;
        Connection p = connect(new RecordingLink(), "p", true);
        for (int i = 1; i <= 3; i++) {
            p.received(new Publish("t", ("m" + i).getBytes(), 1, false, false, i));
        }
        assertThat(slow.sent(Publish.class)).isEmpty();
        assertThat(broker.sessions().get("s").queuedCount()).isEqualTo(3);

        slow.writable = true;
        s.writable();
        // the in-flight window (2), then the third once one is acknowledged
        assertThat(slow.sent(Publish.class)).extracting(m -> new String(m.payload())).containsExactly("m1", "m2");
        s.received(new Packet.PubAck(slow.sent(Publish.class).get(0).packetId()));
        assertThat(slow.sent(Publish.class)).extracting(m -> new String(m.payload())).containsExactly("m1", "m2", "m3");
    }

    // ------------------------------------------------------------ waiting for the mirror

    @Test
    void publisherWithTooManyBytesWaitingForTheMirror_isNotReadUntilTheyAreAcknowledged() {
        List<CompletableFuture<Void>> kafka = new ArrayList<>();
        mirror = m -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            kafka.add(f);
            return f;
        };
        RecordingLink link = new RecordingLink();
        Connection p = connect(link, "p", true);
        p.received(new Publish("t", new byte[1_000], 1, false, false, 1));
        p.received(new Publish("t", new byte[1_000], 1, false, false, 2));
        assertThat(link.readingPaused).as("2 × ~1,100 bytes are within 3,000").isFalse();
        p.received(new Publish("t", new byte[1_000], 2, false, false, 3));
        assertThat(link.readingPaused).isTrue();
        assertThat(p.idleAt(System.nanoTime() + Duration.ofHours(1).toNanos())).as("not idle while not read").isFalse();
        assertThat(link.sent(Packet.PubAck.class)).isEmpty();

        kafka.get(0).complete(null);
        assertThat(link.sent(Packet.PubAck.class)).containsExactly(new Packet.PubAck(1));
        assertThat(link.readingPaused).as("one acknowledged: within the bound again").isFalse();
        assertThat(limitCount("limits.max-pending-ack-bytes")).isEqualTo(1);
    }

    @Test
    void publisherOfQos1WhileTheMirrorIsFull_isNotRead_untilTheMirrorHasRoom() {
        mirrorFull = true;
        RecordingLink link = new RecordingLink();
        Connection p = connect(link, "p", true);
        p.received(new Publish("t", new byte[10], 0, false, false, 0));
        assertThat(link.readingPaused).as("QoS 0: the mirror drops those itself").isFalse();
        p.received(new Publish("t", new byte[10], 1, false, false, 1));
        assertThat(link.readingPaused).isTrue();

        broker.closeIdle(); // the sweep looks again: still full
        assertThat(link.readingPaused).isTrue();
        mirrorFull = false;
        broker.closeIdle();
        assertThat(link.readingPaused).isFalse();
    }

    // ------------------------------------------------------------ inbound QoS 2

    @Test
    void clientThatNeverSendsPubrel_isDisconnectedBeyondTheBoundOfIdsAwaitingRelease() {
        RecordingLink link = new RecordingLink();
        Connection p = connect(link, "p", true);
        for (int id = 1; id <= 3; id++) {
            p.received(new Publish("t", new byte[1], 2, false, false, id));
        }
        assertThat(link.closed).isFalse();
        p.received(new Packet.PubRel(1));
        p.received(new Publish("t", new byte[1], 2, false, false, 4));
        assertThat(link.closed).as("a PUBREL made room").isFalse();
        p.received(new Publish("t", new byte[1], 2, false, false, 5));
        assertThat(link.closed).isTrue();
        assertThat(limitCount("limits.max-awaiting-release")).isEqualTo(1);
    }

    @Test
    void qos2IdWhoseMirrorWriteFailed_isFreed_soTheResentPublishIsHandledAgain_MQTT_4_3_3() {
        mirror = m -> CompletableFuture.failedFuture(new IllegalStateException("record too large"));
        RecordingLink first = new RecordingLink();
        Connection p = connect(first, "p", false);
        p.received(new Publish("t", "x".getBytes(), 2, false, false, 7));
        assertThat(first.closed).as("refused by the mirror: no PUBREC, connection closed").isTrue();
        assertThat(first.sent(Packet.PubRec.class)).isEmpty();

        // the device reconnects to its persistent session and resends; Kafka takes it this time
        mirror = m -> CompletableFuture.completedFuture(null);
        RecordingLink again = new RecordingLink();
        Connection p2 = connect(again, "p", false);
        p2.received(new Publish("t", "x".getBytes(), 2, false, true, 7));
        assertThat(again.closed).isFalse();
        assertThat(again.sent(Packet.PubRec.class)).containsExactly(new Packet.PubRec(7));
        p2.received(new Packet.PubRel(7));
        assertThat(again.last()).isEqualTo(new Packet.PubComp(7));
        assertThat(mirroredMessages).hasSize(2);
    }

    @Test
    void pubrelForAnUnknownId_isStillCompleted_MQTT_4_3_3_2() {
        RecordingLink link = new RecordingLink();
        Connection p = connect(link, "p", true);
        p.received(new Packet.PubRel(42));
        assertThat(link.last()).isEqualTo(new Packet.PubComp(42));
    }

    // ------------------------------------------------------------ retained

    @Test
    void retainedMessageOverALimit_isRoutedAndMirroredButNotKept() {
        retainedLimits = new RetainedLimits(1, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true), "#", 0);
        Connection p = connect(new RecordingLink(), "p", true);
        p.received(new Publish("a", "1".getBytes(), 0, true, false, 0));
        p.received(new Publish("b", "2".getBytes(), 0, true, false, 0));
        assertThat(subscriber.sent(Publish.class)).extracting(Publish::topic).containsExactly("a", "b");
        assertThat(mirroredMessages).extracting(Message::topic).containsExactly("a", "b");
        assertThat(broker.retained().matching("#")).extracting(Message::topic).containsExactly("a");
        assertThat(limitCount("retained.max-messages")).isEqualTo(1);
    }

    // ------------------------------------------------------------ helpers

    private double limitCount(String limit) {
        return metrics.limitExceededCount(limit);
    }

    private Connection connect(RecordingLink link, String clientId, boolean clean) {
        Connection connection = broker().open(link);
        connection.received(new Packet.Connect(4, clientId, clean, 60, null, null, null));
        assertThat(link.sent(ConnAck.class)).last().extracting(ConnAck::code).isEqualTo(ConnectCode.ACCEPTED);
        return connection;
    }

    private static void subscribe(Connection connection, String filter, int qos) {
        connection.received(new Packet.Subscribe(1, Collections.singletonList(new Subscription(filter, qos))));
    }
}
