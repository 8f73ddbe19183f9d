package dev.tributary.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Packet.ConnAck;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import dev.tributary.edge.mqtt.Packet.Publish;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;

/** The protocol state machine without sockets: packets in, packets out. */
class ConnectionTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final TopicTree tree = new TopicTree();
    private final List<CompletableFuture<Void>> mirrored = new ArrayList<>();
    private Function<Message, CompletableFuture<Void>> mirror = m -> CompletableFuture.completedFuture(null);
    private final Broker broker = new Broker(
            new SessionRegistry(tree, new InMemorySessionStore(), metrics, 2, 3),
            tree, new InMemoryRetainedStore(), m -> {
                CompletableFuture<Void> f = mirror.apply(m);
                mirrored.add(f);
                return f;
            }, new AllowAll(), new AllowAll(), metrics,
            new ProtocolLimits(new TopicLimits(256, 8), 64, true, Duration.ofSeconds(5)));

    // ------------------------------------------------------------ CONNECT

    @Test
    void firstPacketOtherThanConnect_closesTheConnection_MQTT_3_1_0_1() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(new Packet.PingReq());
        assertThat(link.closed).isTrue();
        assertThat(link.sent).isEmpty();
    }

    @Test
    void unsupportedProtocolLevel_getsReturnCode1AndClose_MQTT_3_1_2_2() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(new Packet.Connect(6, "c", true, 60, null, null, null));
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.UNACCEPTABLE_PROTOCOL_VERSION, false));
        assertThat(link.closed).isTrue();
    }

    @Test
    void emptyClientIdWithCleanSession_getsAnAssignedId_MQTT_3_1_3_6() {
        RecordingLink link = new RecordingLink();
        Connection connection = broker.open(link);
        connection.received(new Packet.Connect(4, "", true, 60, null, null, null));
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.ACCEPTED, false));
        assertThat(connection.clientId()).startsWith("auto-");
    }

    @Test
    void emptyClientIdWithPersistentSession_isRejectedWithCode2_MQTT_3_1_3_8() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(new Packet.Connect(4, "", false, 60, null, null, null));
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.IDENTIFIER_REJECTED, false));
        assertThat(link.closed).isTrue();
    }

    @Test
    void clientIdLongerThanTheLimit_isRejectedWithCode2() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(new Packet.Connect(4, "x".repeat(65), true, 60, null, null, null));
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.IDENTIFIER_REJECTED, false));
    }

    @Test
    void secondConnect_isAProtocolViolation_MQTT_3_1_0_2() {
        RecordingLink link = new RecordingLink();
        Connection connection = connect(link, "c", true, null);
        connection.received(new Packet.Connect(4, "c", true, 60, null, null, null));
        assertThat(link.closed).isTrue();
        assertThat(registry.counter("tributary.mqtt.disconnects", "reason", "protocol_violation").count()).isEqualTo(1);
    }

    @Test
    void sameClientIdConnectingAgain_closesTheOldConnection_MQTT_3_1_4_2() {
        RecordingLink first = new RecordingLink();
        connect(first, "device", true, null);
        RecordingLink second = new RecordingLink();
        connect(second, "device", true, null);
        assertThat(first.closed).isTrue();
        assertThat(second.closed).isFalse();
    }

    @Test
    void silenceBeyondOneAndAHalfKeepAlives_closesTheConnection_MQTT_3_1_2_24() {
        RecordingLink link = new RecordingLink();
        Connection connection = broker.open(link);
        connection.received(new Packet.Connect(4, "k", true, 30, null, null, null));
        long now = System.nanoTime();
        assertThat(connection.idleAt(now + 44_000_000_000L)).isFalse();
        assertThat(connection.idleAt(now + 46_000_000_000L)).isTrue();
    }

    @Test
    void keepAliveZero_neverTimesOut_MQTT_3_1_2_10() {
        RecordingLink link = new RecordingLink();
        Connection connection = broker.open(link);
        connection.received(new Packet.Connect(4, "k0", true, 0, null, null, null));
        assertThat(connection.idleAt(System.nanoTime() + 3_600_000_000_000L)).isFalse();
    }

    @Test
    void noConnectWithinTheConnectTimeout_isIdle() {
        Connection connection = broker.open(new RecordingLink());
        long now = System.nanoTime();
        assertThat(connection.idleAt(now + 4_000_000_000L)).isFalse();
        assertThat(connection.idleAt(now + 6_000_000_000L)).isTrue();
    }

    @Test
    void packetsSentRightAfterConnect_waitForTheConnack() {
        CompletableFuture<ConnectCode> decision = new CompletableFuture<>();
        Broker slowAuth = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 2, 3), tree,
                new InMemoryRetainedStore(), PublishListener.NONE,
                attempt -> decision, new AllowAll(), metrics,
                new ProtocolLimits(TopicLimits.SPEC, 64, true, Duration.ofSeconds(5)));
        RecordingLink link = new RecordingLink();
        Connection connection = slowAuth.open(link);
        connection.received(new Packet.Connect(4, "early", true, 60, null, null, null));
        connection.received(new Packet.PingReq());
        assertThat(link.sent).isEmpty();
        decision.complete(ConnectCode.ACCEPTED);
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.ACCEPTED, false), new Packet.PingResp());
    }

    @Test
    void refusedCredentials_getTheAuthenticatorsCodeAndClose() {
        Broker refusing = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 2, 3), tree,
                new InMemoryRetainedStore(), PublishListener.NONE,
                attempt -> CompletableFuture.completedFuture(ConnectCode.BAD_USERNAME_OR_PASSWORD),
                new AllowAll(), metrics, new ProtocolLimits(TopicLimits.SPEC, 64, true, Duration.ofSeconds(5)));
        RecordingLink link = new RecordingLink();
        refusing.open(link).received(new Packet.Connect(4, "c", true, 60, "u", bytes("wrong"), null));
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.BAD_USERNAME_OR_PASSWORD, false));
        assertThat(link.closed).isTrue();
    }

    @Test
    void verifiedCertificateCn_replacesTheConnectUsername_whenConfigured() {
        List<Message> seen = new ArrayList<>();
        Broker certificateUsers = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 2, 3), tree,
                new InMemoryRetainedStore(), m -> {
                    seen.add(m);
                    return CompletableFuture.completedFuture(null);
                }, new AllowAll(), new AllowAll(), metrics,
                new ProtocolLimits(TopicLimits.SPEC, 64, false, Duration.ofSeconds(5), true));
        RecordingLink withCertificate = new RecordingLink();
        withCertificate.commonName = "device-7";
        Connection c = certificateUsers.open(withCertificate);
        c.received(new Packet.Connect(4, "c1", true, 60, "claimed", bytes("x"), null));
        c.received(new Publish("t", bytes("x"), 0, false, false, 0));
        assertThat(seen).singleElement().extracting(Message::username).isEqualTo("device-7");

        // without a certificate and without a user name, anonymous access is off here
        RecordingLink anonymous = new RecordingLink();
        certificateUsers.open(anonymous).received(new Packet.Connect(4, "c2", true, 60, null, null, null));
        assertThat(anonymous.sent).containsExactly(new ConnAck(ConnectCode.NOT_AUTHORIZED, false));
    }

    // ------------------------------------------------------------ PUBLISH

    @Test
    void qos1Publish_isAcknowledgedOnlyWhenTheMirrorHasIt() {
        CompletableFuture<Void> kafka = new CompletableFuture<>();
        mirror = m -> kafka;
        RecordingLink link = new RecordingLink();
        Connection c = connect(link, "p", true, null);
        c.received(new Publish("a/b", bytes("x"), 1, false, false, 7));
        assertThat(link.sent(Packet.PubAck.class)).isEmpty();
        kafka.complete(null);
        assertThat(link.sent(Packet.PubAck.class)).containsExactly(new Packet.PubAck(7));
    }

    @Test
    void acknowledgementsKeepPublishOrder_whenTheMirrorCompletesOutOfOrder_MQTT_4_6_0_2() {
        mirror = m -> new CompletableFuture<>();
        RecordingLink link = new RecordingLink();
        Connection c = connect(link, "p", true, null);
        c.received(new Publish("a", bytes("1"), 1, false, false, 1));
        c.received(new Publish("b", bytes("2"), 2, false, false, 2));
        c.received(new Publish("c", bytes("3"), 1, false, false, 3));
        mirrored.get(2).complete(null);
        mirrored.get(1).complete(null);
        assertThat(link.sent).containsExactly(new ConnAck(ConnectCode.ACCEPTED, false));
        mirrored.get(0).complete(null);
        assertThat(link.sent.subList(1, link.sent.size()))
                .containsExactly(new Packet.PubAck(1), new Packet.PubRec(2), new Packet.PubAck(3));
    }

    @Test
    void publishRefusedByTheMirror_isNotAcknowledgedAndClosesTheConnection() {
        mirror = m -> CompletableFuture.failedFuture(new IllegalStateException("record too large"));
        RecordingLink link = new RecordingLink();
        Connection c = connect(link, "p", true, null);
        c.received(new Publish("a", bytes("1"), 1, false, false, 1));
        assertThat(link.sent(Packet.PubAck.class)).isEmpty();
        assertThat(link.closed).isTrue();
    }

    @Test
    void resentQos2Publish_isAcknowledgedButDeliveredOnce_MQTT_4_3_3_2() {
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true, null), "t", 2);
        RecordingLink publisher = new RecordingLink();
        Connection p = connect(publisher, "p", true, null);

        p.received(new Publish("t", bytes("once"), 2, false, false, 9));
        p.received(new Publish("t", bytes("once"), 2, false, true, 9));
        assertThat(publisher.sent(Packet.PubRec.class)).containsExactly(new Packet.PubRec(9), new Packet.PubRec(9));
        p.received(new Packet.PubRel(9));
        assertThat(publisher.last()).isEqualTo(new Packet.PubComp(9));

        assertThat(subscriber.sent(Publish.class)).hasSize(1);
        assertThat(mirrored).as("mirrored once").hasSize(1);

        // after PUBREL the id is free again: a new message with it is delivered
        p.received(new Publish("t", bytes("again"), 2, false, false, 9));
        assertThat(subscriber.sent(Publish.class)).hasSize(2);
    }

    @Test
    void wildcardInPublishTopic_closesTheConnection_MQTT_3_3_2_2() {
        RecordingLink link = new RecordingLink();
        connect(link, "p", true, null).received(new Publish("a/+", bytes("x"), 0, false, false, 0));
        assertThat(link.closed).isTrue();
    }

    @Test
    void topicBeyondTheLevelLimit_closesTheConnection() {
        RecordingLink link = new RecordingLink();
        connect(link, "p", true, null).received(new Publish("1/2/3/4/5/6/7/8/9", bytes("x"), 0, false, false, 0));
        assertThat(link.closed).isTrue();
    }

    // ------------------------------------------------------------ SUBSCRIBE and delivery

    @Test
    void deliveryIsDowngradedToTheGrantedQos_MQTT_3_8_4_6() {
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true, null), "t", 0);
        connect(new RecordingLink(), "p", true, null).received(new Publish("t", bytes("x"), 2, false, false, 1));
        assertThat(subscriber.sent(Publish.class)).singleElement().extracting(Publish::qos).isEqualTo(0);
    }

    @Test
    void overlappingSubscriptions_deliverOnceAtTheHighestQos_MQTT_3_3_5_1() {
        RecordingLink subscriber = new RecordingLink();
        Connection s = connect(subscriber, "s", true, null);
        subscribe(s, "a/#", 0);
        subscribe(s, "a/+", 1);
        subscribe(s, "a/b", 0);
        connect(new RecordingLink(), "p", true, null).received(new Publish("a/b", bytes("x"), 2, false, false, 1));
        assertThat(subscriber.sent(Publish.class)).singleElement().extracting(Publish::qos).isEqualTo(1);
    }

    @Test
    void invalidFilter_isRefusedWith0x80_othersGranted() {
        RecordingLink link = new RecordingLink();
        Connection c = connect(link, "s", true, null);
        c.received(new Packet.Subscribe(3, List.of(new Packet.Subscription("a/#/b", 1), new Packet.Subscription("ok/+", 2))));
        assertThat(link.last()).isEqualTo(new Packet.SubAck(3, List.of(0x80, 2)));
    }

    @Test
    void inflightWindowIsRespected_restQueuedUntilAcknowledged() {
        RecordingLink subscriber = new RecordingLink();
        Connection s = connect(subscriber, "s", true, null);
        subscribe(s, "t", 1);
        Connection p = connect(new RecordingLink(), "p", true, null);
        for (int i = 1; i <= 3; i++) {
            p.received(new Publish("t", bytes("m" + i), 1, false, false, i));
        }
        List<Publish> delivered = subscriber.sent(Publish.class);
        assertThat(delivered).hasSize(2); // window of 2
        s.received(new Packet.PubAck(delivered.get(0).packetId()));
        assertThat(subscriber.sent(Publish.class)).hasSize(3)
                .extracting(m -> new String(m.payload(), StandardCharsets.UTF_8)).containsExactly("m1", "m2", "m3");
    }

    @Test
    void outboundQos2_followsPubrecPubrelPubcomp() {
        RecordingLink subscriber = new RecordingLink();
        Connection s = connect(subscriber, "s", true, null);
        subscribe(s, "t", 2);
        connect(new RecordingLink(), "p", true, null).received(new Publish("t", bytes("x"), 2, false, false, 1));
        Publish delivered = subscriber.sent(Publish.class).get(0);
        assertThat(delivered.qos()).isEqualTo(2);
        s.received(new Packet.PubRec(delivered.packetId()));
        assertThat(subscriber.last()).isEqualTo(new Packet.PubRel(delivered.packetId()));
        s.received(new Packet.PubComp(delivered.packetId()));
    }

    // ------------------------------------------------------------ retained

    @Test
    void retainedMessage_isSentOnSubscribeWithRetainSet_andClearedByAnEmptyPayload_MQTT_3_3_1_6_to_10() {
        Connection p = connect(new RecordingLink(), "p", true, null);
        p.received(new Publish("status/1", bytes("online"), 1, true, false, 1));

        RecordingLink first = new RecordingLink();
        subscribe(connect(first, "s1", true, null), "status/+", 1);
        assertThat(first.sent(Publish.class)).singleElement()
                .satisfies(m -> assertThat(m.retain()).isTrue())
                .satisfies(m -> assertThat(m.payload()).isEqualTo(bytes("online")));

        p.received(new Publish("status/1", new byte[0], 0, true, false, 0));
        RecordingLink second = new RecordingLink();
        subscribe(connect(second, "s2", true, null), "status/+", 1);
        assertThat(second.sent(Publish.class)).isEmpty();
    }

    @Test
    void messageRoutedToAnExistingSubscription_hasRetainCleared_MQTT_3_3_1_9() {
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true, null), "t", 0);
        connect(new RecordingLink(), "p", true, null).received(new Publish("t", bytes("x"), 0, true, false, 0));
        assertThat(subscriber.sent(Publish.class)).singleElement().extracting(Publish::retain).isEqualTo(false);
    }

    // ------------------------------------------------------------ will

    @Test
    void will_isPublishedWhenTheConnectionIsLost_MQTT_3_1_2_8() {
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true, null), "wills/#", 0);
        connect(new RecordingLink(), "dev", true, new Packet.Will("wills/dev", bytes("gone"), 0, false)).connectionLost();
        assertThat(subscriber.sent(Publish.class)).singleElement().extracting(Publish::topic).isEqualTo("wills/dev");
    }

    @Test
    void will_isPublishedOnProtocolViolationAndKeepAliveTimeout() {
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true, null), "wills/#", 0);
        connect(new RecordingLink(), "a", true, new Packet.Will("wills/a", bytes("gone"), 0, false)).violation("test");
        connect(new RecordingLink(), "b", true, new Packet.Will("wills/b", bytes("gone"), 0, false)).idle();
        assertThat(subscriber.sent(Publish.class)).extracting(Publish::topic).containsExactly("wills/a", "wills/b");
    }

    @Test
    void will_isDiscardedOnDisconnect_MQTT_3_14_4_3() {
        RecordingLink subscriber = new RecordingLink();
        subscribe(connect(subscriber, "s", true, null), "wills/#", 0);
        Connection dev = connect(new RecordingLink(), "dev", true, new Packet.Will("wills/dev", bytes("gone"), 0, false));
        dev.received(new Packet.Disconnect());
        dev.connectionLost();
        assertThat(subscriber.sent(Publish.class)).isEmpty();
    }

    // ------------------------------------------------------------ sessions

    @Test
    void persistentSession_keepsSubscriptionsAndQueuesWhileOffline_MQTT_3_1_2_4() {
        RecordingLink first = new RecordingLink();
        Connection s = connect(first, "s", false, null);
        assertThat(first.sent.get(0)).isEqualTo(new ConnAck(ConnectCode.ACCEPTED, false));
        subscribe(s, "t", 1);
        s.connectionLost();

        Connection p = connect(new RecordingLink(), "p", true, null);
        p.received(new Publish("t", bytes("q1"), 1, false, false, 1));
        p.received(new Publish("t", bytes("q0"), 0, false, false, 0));

        RecordingLink second = new RecordingLink();
        connect(second, "s", false, null);
        assertThat(second.sent.get(0)).isEqualTo(new ConnAck(ConnectCode.ACCEPTED, true)); // [MQTT-3.2.2-2]
        assertThat(second.sent(Publish.class)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("q1"); // QoS 0 is not queued for an offline client
    }

    @Test
    void unacknowledgedMessages_areResentWithDupOnReconnect_MQTT_4_4_0_1() {
        RecordingLink first = new RecordingLink();
        Connection s = connect(first, "s", false, null);
        subscribe(s, "t", 1);
        connect(new RecordingLink(), "p", true, null).received(new Publish("t", bytes("x"), 1, false, false, 1));
        Publish original = first.sent(Publish.class).get(0);
        assertThat(original.dup()).isFalse();
        s.connectionLost();

        RecordingLink second = new RecordingLink();
        connect(second, "s", false, null);
        assertThat(second.sent(Publish.class)).singleElement()
                .satisfies(m -> assertThat(m.dup()).isTrue())
                .satisfies(m -> assertThat(m.packetId()).isEqualTo(original.packetId()));
    }

    @Test
    void cleanSession_discardsPreviousState_MQTT_3_1_2_6() {
        Connection s = connect(new RecordingLink(), "s", false, null);
        subscribe(s, "t", 1);
        s.connectionLost();
        RecordingLink clean = new RecordingLink();
        connect(clean, "s", true, null);
        assertThat(clean.sent.get(0)).isEqualTo(new ConnAck(ConnectCode.ACCEPTED, false));
        assertThat(tree.size()).isZero();
    }

    @Test
    void queueBeyondItsBound_dropsAndCounts() {
        Connection s = connect(new RecordingLink(), "s", false, null);
        subscribe(s, "t", 1);
        s.connectionLost();
        Connection p = connect(new RecordingLink(), "p", true, null);
        for (int i = 1; i <= 5; i++) {
            p.received(new Publish("t", bytes("m" + i), 1, false, false, i));
        }
        assertThat(registry.counter("tributary.mqtt.messages.dropped", "reason", "queue_full").count()).isEqualTo(2);
        RecordingLink back = new RecordingLink();
        connect(back, "s", false, null);
        assertThat(back.sent(Publish.class)).hasSize(2); // the in-flight window; one more stays queued
    }

    @Test
    void slowConsumer_losesQos0MessagesOnly() {
        RecordingLink slow = new RecordingLink();
        Connection s = connect(slow, "s", true, null);
        subscribe(s, "t", 1);
        slow.writable = false;
        Connection p = connect(new RecordingLink(), "p", true, null);
        p.received(new Publish("t", bytes("dropped"), 0, false, false, 0));
        p.received(new Publish("t", bytes("kept"), 1, false, false, 1));
        assertThat(slow.sent(Publish.class)).as("the QoS 1 message waits in the session's queue").isEmpty();
        assertThat(registry.counter("tributary.mqtt.messages.dropped", "reason", "slow_consumer").count()).isEqualTo(1);
        slow.writable = true;
        s.writable();
        assertThat(slow.sent(Publish.class)).extracting(Publish::qos).containsExactly(1);
    }

    // ------------------------------------------------------------ helpers

    private Connection connect(RecordingLink link, String clientId, boolean clean, Packet.Will will) {
        Connection connection = broker.open(link);
        connection.received(new Packet.Connect(4, clientId, clean, 60, null, null, will));
        assertThat(link.sent(ConnAck.class)).last().extracting(ConnAck::code).isEqualTo(ConnectCode.ACCEPTED);
        return connection;
    }

    private static void subscribe(Connection connection, String filter, int qos) {
        connection.received(new Packet.Subscribe(1, List.of(new Packet.Subscription(filter, qos))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
