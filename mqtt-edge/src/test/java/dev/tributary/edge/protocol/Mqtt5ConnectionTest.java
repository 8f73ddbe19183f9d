package dev.tributary.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.auth.Authorizer;
import dev.tributary.edge.auth.PublishCheck;
import dev.tributary.edge.auth.ReceiveCheck;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.Packet.ConnAck;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import dev.tributary.edge.mqtt.Packet.Publish;
import dev.tributary.edge.mqtt.PublishProperties;
import dev.tributary.edge.mqtt.ReasonCode;
import dev.tributary.edge.mqtt.UserProperty;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The MQTT 5 side of the protocol state machine, without sockets; statements cited are MQTT 5.0's. */
class Mqtt5ConnectionTest {

    /** Denies publishing and subscribing under {@code secret/}. */
    private static final class DenySecret implements Authorizer {
        @Override
        public boolean mayPublish(String clientId, String username, String topic) {
            return !topic.startsWith("secret/");
        }

        @Override
        public boolean maySubscribe(String clientId, String username, String filter) {
            return !filter.startsWith("secret/");
        }

        @Override
        public PublishCheck publishCheck(String clientId, String username) {
            return topic -> mayPublish(clientId, username, topic);
        }

        @Override
        public ReceiveCheck receiveCheck(String clientId, String username) {
            return new ReceiveCheck() {
                @Override
                public boolean mayReceive(String topic, Map<String, Integer> subscriptions, int version) {
                    return !topic.startsWith("secret/");
                }

                @Override
                public boolean maySubscribe(String filter) {
                    return !filter.startsWith("secret/");
                }
            };
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final TopicTree tree = new TopicTree();
    private final List<Message> mirrored = new ArrayList<>();
    private Function<Message, CompletionStage<Void>> mirror = m -> CompletableFuture.completedFuture(null);
    private final SessionRegistry sessions = new SessionRegistry(tree, new InMemorySessionStore(), metrics, 10, 100);
    private final Broker broker = new Broker(sessions, tree, new InMemoryRetainedStore(), m -> {
        mirrored.add(m);
        return mirror.apply(m);
    }, OtherNodes.NONE, new AllowAll(), new DenySecret(), metrics,
            new ProtocolLimits(new TopicLimits(256, 8), 64, true, Duration.ofSeconds(5)), ClientLimits.DEFAULTS);

    {
        broker.mqtt5Limits(new Mqtt5Limits(3, 4, 65_536, 3_600, "reply/{clientid}/"));
    }

    // ------------------------------------------------------------ CONNECT / CONNACK

    @Test
    void mqtt5Connect_isAcceptedWithOurLimitsAndFlags_MQTT_3_2_2_3() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(connect("c5", true, props(0, 65_535, -1, 0, true)));
        ConnAck ack = link.sent(ConnAck.class).get(0);
        assertThat(ack.code()).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(ack.code().code(5)).isZero();
        Packet.ConnAckProperties p = ack.properties();
        assertThat(p).isNotNull();
        assertThat(p.receiveMaximum()).isEqualTo(3);
        assertThat(p.topicAliasMaximum()).isEqualTo(4);
        assertThat(p.maximumPacketSize()).isEqualTo(65_536);
        assertThat(p.retainAvailable()).isTrue();
        assertThat(p.wildcardAvailable()).isTrue();
        assertThat(p.subscriptionIdsAvailable()).isTrue();
        assertThat(p.sharedSubscriptionsAvailable()).isFalse();
        assertThat(p.assignedClientId()).isNull();
        assertThat(p.responseInformation()).isEqualTo("reply/c5/"); // [MQTT-3.1.2-28] asked for, so given
    }

    @Test
    void emptyClientId_isAssignedAndToldInConnack_MQTT_3_2_2_16() {
        RecordingLink link = new RecordingLink();
        Connection connection = broker.open(link);
        // MQTT 5 assigns an id whatever Clean Start says
        connection.received(connect("", false, props(60, 65_535, -1, 0, false)));
        ConnAck ack = link.sent(ConnAck.class).get(0);
        assertThat(ack.code()).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(ack.properties().assignedClientId()).isEqualTo(connection.clientId()).startsWith("auto-");
        assertThat(ack.properties().responseInformation()).isNull();
    }

    @Test
    void sessionExpiryAboveOurMaximum_isCutAndToldInConnack_MQTT_3_2_2_13() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(connect("long", false, props(SessionV5Max.NEVER, 65_535, -1, 0, false)));
        assertThat(link.sent(ConnAck.class).get(0).properties().sessionExpirySeconds()).isEqualTo(3_600);
    }

    @Test
    void authenticationMethod_isRefusedWith0x8C_MQTT_4_12_0_1() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(new Packet.Connect(5, "a", true, 60, null, null, null,
                new Packet.ConnectProperties(0, 65_535, -1, 0, false, true, List.of(), "SCRAM-SHA-256")));
        ConnAck ack = link.sent(ConnAck.class).get(0);
        assertThat(ack.code().code(5)).isEqualTo(0x8C);
        assertThat(ack.properties()).isNotNull();
        assertThat(link.closed).isTrue();
    }

    @Test
    void receiveMaximumZero_isAProtocolError_0x82() {
        RecordingLink link = new RecordingLink();
        broker.open(link).received(connect("r0", true, props(0, 0, -1, 0, false)));
        assertThat(link.sent(ConnAck.class).get(0).code().code(5)).isEqualTo(0x82);
        assertThat(link.closed).isTrue();
    }

    @Test
    void clientIdTooLong_isRefusedWith0x85_andA311ClientStillGets2() {
        RecordingLink v5 = new RecordingLink();
        broker.open(v5).received(connect("x".repeat(65), true, props(0, 65_535, -1, 0, false)));
        assertThat(v5.sent(ConnAck.class).get(0).code().code(5)).isEqualTo(0x85);
        RecordingLink v4 = new RecordingLink();
        broker.open(v4).received(new Packet.Connect(4, "x".repeat(65), true, 60, null, null, null));
        assertThat(v4.sent(ConnAck.class).get(0)).isEqualTo(new ConnAck(ConnectCode.IDENTIFIER_REJECTED, false));
    }

    @Test
    void sameClientIdAgain_tellsTheOldMqtt5ConnectionSessionTakenOver_0x8E() {
        RecordingLink first = new RecordingLink();
        broker.open(first).received(connect("twin", true, props(0, 65_535, -1, 0, false)));
        RecordingLink second = new RecordingLink();
        broker.open(second).received(connect("twin", true, props(0, 65_535, -1, 0, false)));
        assertThat(first.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x8E);
        assertThat(first.closed).isTrue();
        assertThat(second.closed).isFalse();
    }

    @Test
    void keepAliveExpiry_sendsDisconnect0x8DBeforeClosing() {
        RecordingLink link = new RecordingLink();
        Connection c = broker.open(link);
        c.received(connect("ka", true, props(0, 65_535, -1, 0, false)));
        c.idle();
        assertThat(link.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x8D);
        assertThat(link.closed).isTrue();
    }

    @Test
    void malformedPacket_sendsDisconnect0x81_andA311ClientGetsNoDisconnect() {
        Connection c5 = open5("bad5");
        RecordingLink v5 = lastLink;
        c5.malformed("duplicate property");
        RecordingLink v4 = new RecordingLink();
        Connection c4 = broker.open(v4);
        c4.received(new Packet.Connect(4, "bad4", true, 60, null, null, null));
        c4.malformed("duplicate property");
        assertThat(v4.sent(Packet.Disconnect.class)).isEmpty();
        assertThat(v4.closed).isTrue();
        assertThat(v5.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x81);
        assertThat(v5.closed).isTrue();
    }

    // ------------------------------------------------------------ session expiry

    @Test
    void sessionExpiryZero_endsTheSessionAtDisconnect_MQTT_3_1_2_10() {
        Connection c = open5("e0", false, 0);
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("a/b", 1))));
        c.received(new Packet.Disconnect());
        assertThat(sessions.get("e0")).isNull();
        RecordingLink again = new RecordingLink();
        broker.open(again).received(connect("e0", false, props(0, 65_535, -1, 0, false)));
        assertThat(again.sent(ConnAck.class).get(0).sessionPresent()).isFalse();
    }

    @Test
    void sessionWithExpiry_isResumedWithoutCleanStart_MQTT_3_1_2_5() {
        Connection c = open5("e60", false, 60);
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("a/b", 1))));
        c.received(new Packet.Disconnect());
        assertThat(sessions.get("e60")).isNotNull();
        RecordingLink again = new RecordingLink();
        broker.open(again).received(connect("e60", false, props(60, 65_535, -1, 0, false)));
        assertThat(again.sent(ConnAck.class).get(0).sessionPresent()).isTrue();
    }

    @Test
    void cleanStart_discardsAnExistingSession_MQTT_3_1_2_4() {
        Connection c = open5("cs", false, 60);
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("a/b", 1))));
        c.received(new Packet.Disconnect());
        RecordingLink again = new RecordingLink();
        broker.open(again).received(connect("cs", true, props(60, 65_535, -1, 0, false)));
        assertThat(again.sent(ConnAck.class).get(0).sessionPresent()).isFalse();
        assertThat(sessions.get("cs").subscriptions()).isEmpty();
    }

    @Test
    void disconnectSettingExpiryZero_endsTheSessionThen_MQTT_3_14_2_2() {
        Connection c = open5("d0", false, 60);
        c.received(new Packet.Disconnect(0, 0, null));
        assertThat(sessions.get("d0")).isNull();
    }

    @Test
    void disconnectSettingExpiryWhereConnectSetZero_isAProtocolError_MQTT_3_14_2_2() {
        Connection c = open5("dz", true, 0);
        c.received(new Packet.Disconnect(0, 30, null));
        assertThat(lastLink.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x82);
        assertThat(sessions.get("dz")).isNull();
    }

    @Test
    void expiredSession_isRemovedByTheSweep() {
        Connection c = open5("gone", false, 1);
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("x/y", 1))));
        c.received(new Packet.Disconnect());
        assertThat(sessions.expiringCount()).isEqualTo(1);
        assertThat(sessions.removeExpired(System.nanoTime())).isZero();
        assertThat(sessions.removeExpired(System.nanoTime() + 1_100_000_000L)).isEqualTo(1);
        assertThat(sessions.get("gone")).isNull();
        assertThat(tree.match("x/y")).isEmpty();
    }

    @Test
    void disconnectWithWill0x04_publishesTheWill_MQTT_3_14_4_3() {
        RecordingLink link = new RecordingLink();
        Connection c = broker.open(link);
        c.received(new Packet.Connect(5, "w", true, 60, null, null, new Packet.Will("wills/w", bytes("bye"), 0, false),
                props(0, 65_535, -1, 0, false)));
        c.received(new Packet.Disconnect(0x04, -1, null));
        assertThat(mirrored).extracting(Message::topic).containsExactly("wills/w");
    }

    // ------------------------------------------------------------ PUBLISH

    @Test
    void publishProperties_reachAnMqtt5Subscriber_userPropertiesInOrder_MQTT_3_3_2_17() {
        Connection sub = open5("sub");
        RecordingLink subLink = lastLink;
        sub.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("p/#", 1))));
        Connection pub = open5("pub");
        PublishProperties sent = new PublishProperties(1, 120, "application/json", "p/reply", bytes("corr"),
                List.of(new UserProperty("b", "2"), new UserProperty("a", "1"), new UserProperty("b", "3")), 0, List.of());
        pub.received(new Publish("p/x", bytes("{}"), 1, false, false, 7, sent));
        Publish got = subLink.sent(Publish.class).get(0);
        assertThat(got.properties().userProperties()).containsExactly(new UserProperty("b", "2"), new UserProperty("a", "1"),
                new UserProperty("b", "3"));
        assertThat(got.properties().contentType()).isEqualTo("application/json");
        assertThat(got.properties().responseTopic()).isEqualTo("p/reply");
        assertThat(got.properties().correlationData()).isEqualTo(bytes("corr"));
        assertThat(got.properties().payloadFormat()).isEqualTo(1);
        assertThat(got.properties().messageExpirySeconds()).isBetween(119L, 120L);
        assertThat(mirrored.get(0).properties().userProperties()).hasSize(3);
    }

    @Test
    void expiredMessage_isNotDeliveredFromTheQueue_MQTT_3_3_2_5() {
        Connection sub = open5("slowsub", false, 60);
        sub.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("exp/#", 1))));
        sub.received(new Packet.Disconnect());
        // queued while offline: one already expired when it was accepted 5 s ago, one still valid
        PublishProperties oneSecond = new PublishProperties(-1, 1, null, null, null, List.of(), 0, List.of());
        sessions.get("slowsub").deliver(new Message("exp/old", bytes("x"), 1, false, "p", null,
                System.currentTimeMillis() - 5_000, oneSecond), 1);
        sessions.get("slowsub").deliver(new Message("exp/new", bytes("y"), 1, false, "p", null,
                System.currentTimeMillis(), oneSecond), 1);
        RecordingLink again = new RecordingLink();
        broker.open(again).received(connect("slowsub", false, props(60, 65_535, -1, 0, false)));
        assertThat(again.sent(Publish.class)).extracting(Publish::topic).containsExactly("exp/new");
        assertThat(registry.counter("tributary.mqtt.messages.dropped", "reason", "expired").count()).isEqualTo(1);
    }

    @Test
    void topicAlias_setThenUsedWithAnEmptyTopic_MQTT_3_3_2_12() {
        Connection sub = open5("asub");
        RecordingLink subLink = lastLink;
        sub.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("alias/#", 0))));
        Connection pub = open5("apub");
        pub.received(new Publish("alias/long/topic", bytes("1"), 0, false, false, 0, alias(2)));
        pub.received(new Publish("", bytes("2"), 0, false, false, 0, alias(2)));
        assertThat(subLink.sent(Publish.class)).extracting(Publish::topic).containsExactly("alias/long/topic", "alias/long/topic");
        assertThat(subLink.sent(Publish.class)).allSatisfy(p -> assertThat(p.properties().topicAlias()).isZero());
    }

    @Test
    void topicAliasAboveOurMaximum_getsDisconnect0x94_MQTT_3_3_2_9() {
        Connection pub = open5("abig");
        pub.received(new Publish("t", bytes("1"), 0, false, false, 0, alias(5)));
        assertThat(lastLink.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x94);
        assertThat(lastLink.closed).isTrue();
    }

    @Test
    void topicAliasZero_getsDisconnect0x94_MQTT_3_3_2_8() {
        Connection pub = open5("azero");
        pub.received(new Publish("t", bytes("1"), 0, false, false, 0, alias(-1)));
        assertThat(lastLink.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x94);
        assertThat(registry.counter("tributary.mqtt.reason.codes", "packet", "DISCONNECT", "code", "0x94").count()).isEqualTo(1);
    }

    @Test
    void unknownTopicAlias_isAProtocolError0x82() {
        Connection pub = open5("aunknown");
        pub.received(new Publish("", bytes("1"), 0, false, false, 0, alias(1)));
        assertThat(lastLink.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x82);
    }

    @Test
    void payloadSaidToBeUtf8ThatIsNot_getsPuback0x99AndIsNotMirrored_MQTT_3_3_2_4() {
        Connection pub = open5("utf");
        PublishProperties utf8 = new PublishProperties(1, -1, null, null, null, List.of(), 0, List.of());
        pub.received(new Publish("u/t", new byte[] { (byte) 0xC3, 0x28 }, 1, false, false, 3, utf8));
        assertThat(lastLink.sent(Packet.PubAck.class)).containsExactly(new Packet.PubAck(3, 0x99));
        assertThat(mirrored).isEmpty();
        assertThat(lastLink.closed).isFalse();
    }

    @Test
    void deniedPublish_getsPuback0x87AndPubrec0x87_andIsNeitherRoutedNorMirrored() {
        Connection pub = open5("den");
        pub.received(new Publish("secret/a", bytes("1"), 1, false, false, 1, PublishProperties.NONE));
        pub.received(new Publish("secret/a", bytes("2"), 2, false, false, 2, PublishProperties.NONE));
        assertThat(lastLink.sent(Packet.PubAck.class)).containsExactly(new Packet.PubAck(1, ReasonCode.NOT_AUTHORIZED));
        assertThat(lastLink.sent(Packet.PubRec.class)).containsExactly(new Packet.PubRec(2, ReasonCode.NOT_AUTHORIZED));
        assertThat(mirrored).isEmpty();
    }

    @Test
    void mirrorRefusal_isToldInThePuback0x80_andTheClientStaysConnected() {
        mirror = m -> CompletableFuture.failedFuture(new IllegalStateException("Kafka said no"));
        Connection pub = open5("mfail");
        pub.received(new Publish("m/a", bytes("1"), 1, false, false, 9, PublishProperties.NONE));
        assertThat(lastLink.sent(Packet.PubAck.class)).containsExactly(new Packet.PubAck(9, ReasonCode.UNSPECIFIED_ERROR));
        assertThat(lastLink.closed).isFalse();
    }

    @Test
    void mirrorQuotaRefusal_isToldAs0x97InThePubrec_andTheQos2ExchangeEnds() {
        mirror = m -> CompletableFuture.failedFuture(new PublishListener.Refused(0x97, "quota", null));
        Connection pub = open5("mquota");
        pub.received(new Publish("m/a", bytes("1"), 2, false, false, 4, PublishProperties.NONE));
        assertThat(lastLink.sent(Packet.PubRec.class)).containsExactly(new Packet.PubRec(4, 0x97));
        assertThat(sessions.get("mquota").awaitingReleaseCount()).isZero();
    }

    @Test
    void moreUnacknowledgedPublishesThanOurReceiveMaximum_getDisconnect0x93_MQTT_3_3_4_9() {
        mirror = m -> new CompletableFuture<>(); // Kafka never answers: nothing is acknowledged
        Connection pub = open5("flood");
        for (int id = 1; id <= 3; id++) {
            pub.received(new Publish("f/a", bytes("1"), 1, false, false, id, PublishProperties.NONE));
        }
        assertThat(lastLink.closed).isFalse();
        pub.received(new Publish("f/a", bytes("1"), 1, false, false, 4, PublishProperties.NONE));
        assertThat(lastLink.sent(Packet.Disconnect.class)).extracting(Packet.Disconnect::reasonCode).containsExactly(0x93);
        assertThat(lastLink.closed).isTrue();
    }

    // ------------------------------------------------------------ SUBSCRIBE

    @Test
    void noLocal_keepsTheClientsOwnMessagesFromIt_MQTT_3_8_3_3() {
        Connection c = open5("nl");
        RecordingLink link = lastLink;
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("nl/#", 0, true, false, 0))));
        c.received(new Publish("nl/own", bytes("1"), 0, false, false, 0, PublishProperties.NONE));
        Connection other = open5("nl-other");
        other.received(new Publish("nl/theirs", bytes("2"), 0, false, false, 0, PublishProperties.NONE));
        assertThat(link.sent(Publish.class)).extracting(Publish::topic).containsExactly("nl/theirs");
    }

    @Test
    void retainAsPublished_keepsTheRetainFlagOnRoutedMessages_MQTT_3_3_1_12() {
        Connection rap = open5("rap");
        RecordingLink rapLink = lastLink;
        rap.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("r/#", 0, false, true, 0))));
        Connection plain = open5("plain");
        RecordingLink plainLink = lastLink;
        plain.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("r/#", 0))));
        open5("rpub").received(new Publish("r/x", bytes("v"), 0, true, false, 0, PublishProperties.NONE));
        assertThat(rapLink.sent(Publish.class)).extracting(Publish::retain).containsExactly(true);
        assertThat(plainLink.sent(Publish.class)).extracting(Publish::retain).containsExactly(false);
    }

    @Test
    void retainHandling_1SendsOnlyForANewSubscription_2Never_MQTT_3_3_1_10() {
        open5("rpub2").received(new Publish("rh/x", bytes("kept"), 0, true, false, 0, PublishProperties.NONE));
        Connection c = open5("rh");
        RecordingLink link = lastLink;
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("rh/#", 0, false, false, 1))));
        c.received(new Packet.Subscribe(2, List.of(new Packet.Subscription("rh/#", 0, false, false, 1))));
        assertThat(link.sent(Publish.class)).hasSize(1);
        Connection never = open5("rh2");
        never.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("rh/#", 0, false, false, 2))));
        assertThat(lastLink.sent(Publish.class)).isEmpty();
    }

    @Test
    void subscriptionIdentifiers_ofEveryMatchingSubscription_areSentInOneDelivery_MQTT_3_3_4_3() {
        Connection c = open5("ids");
        RecordingLink link = lastLink;
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("ids/#", 1)), 7));
        c.received(new Packet.Subscribe(2, List.of(new Packet.Subscription("ids/+/x", 1)), 9));
        open5("idpub").received(new Publish("ids/a/x", bytes("v"), 1, false, false, 1, PublishProperties.NONE));
        List<Publish> got = link.sent(Publish.class);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).properties().subscriptionIds()).containsExactlyInAnyOrder(7, 9);
    }

    @Test
    void deniedAndInvalidAndSharedFilters_getTheirMqtt5ReasonCodes_MQTT_3_9_3() {
        Connection c = open5("sa");
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("ok/#", 1), new Packet.Subscription("secret/#", 1),
                new Packet.Subscription("bad/#/x", 1), new Packet.Subscription("$share/g/ok", 1))));
        assertThat(lastLink.sent(Packet.SubAck.class).get(0).codes()).containsExactly(1, 0x87, 0x8F, 0x9E);
    }

    @Test
    void unsubscribe_answersSuccessOrNoSubscriptionExisted_perFilter_MQTT_3_11_3_1() {
        Connection c = open5("us");
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("u/a", 1))));
        c.received(new Packet.Unsubscribe(2, List.of("u/a", "u/b")));
        assertThat(lastLink.sent(Packet.UnsubAck.class).get(0).codes()).containsExactly(0x00, 0x11);
    }

    @Test
    void clientsReceiveMaximum_limitsOurUnacknowledgedDeliveries_MQTT_3_3_4_7() {
        RecordingLink link = new RecordingLink();
        Connection c = broker.open(link);
        c.received(connect("rm", true, props(0, 2, -1, 0, false)));
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("rm/#", 1))));
        Connection pub = open5("rmpub");
        for (int i = 0; i < 5; i++) {
            pub.received(new Publish("rm/x", bytes("m" + i), 1, false, false, i + 1, PublishProperties.NONE));
        }
        assertThat(link.sent(Publish.class)).hasSize(2);
        c.received(new Packet.PubAck(link.sent(Publish.class).get(0).packetId()));
        assertThat(link.sent(Publish.class)).hasSize(3);
    }

    @Test
    void messageLargerThanTheClientsMaximumPacketSize_isDroppedForItOnly_MQTT_3_1_2_24() {
        RecordingLink small = new RecordingLink();
        Connection c = broker.open(small);
        c.received(connect("small", true, props(0, 65_535, 64, 0, false)));
        c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("big/#", 1))));
        Connection large = open5("large");
        RecordingLink largeLink = lastLink;
        large.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("big/#", 1))));
        Connection pub = open5("bigpub");
        pub.received(new Publish("big/x", new byte[100], 1, false, false, 1, PublishProperties.NONE));
        pub.received(new Publish("big/y", new byte[10], 1, false, false, 2, PublishProperties.NONE));
        assertThat(small.sent(Publish.class)).extracting(Publish::topic).containsExactly("big/y");
        assertThat(largeLink.sent(Publish.class)).extracting(Publish::topic).containsExactly("big/x", "big/y");
        assertThat(registry.counter("tributary.mqtt.messages.dropped", "reason", "packet_too_large").count()).isEqualTo(1);
    }

    // ------------------------------------------------------------ helpers

    /** The session registry's "never" (kept here so the test reads as the spec does). */
    private static final class SessionV5Max {
        static final long NEVER = 0xFFFF_FFFFL;
    }

    private RecordingLink lastLink;

    private Connection open5(String clientId) {
        return open5(clientId, true, 0);
    }

    private Connection open5(String clientId, boolean cleanStart, long expiry) {
        RecordingLink link = new RecordingLink();
        Connection c = broker.open(link);
        c.received(connect(clientId, cleanStart, props(expiry, 65_535, -1, 0, false)));
        assertThat(link.sent(ConnAck.class).get(0).code()).isEqualTo(ConnectCode.ACCEPTED);
        link.clear();
        lastLink = link;
        return c;
    }

    private static Packet.Connect connect(String clientId, boolean cleanStart, Packet.ConnectProperties properties) {
        return new Packet.Connect(5, clientId, cleanStart, 60, null, null, null, properties);
    }

    private static Packet.ConnectProperties props(long expiry, int receiveMaximum, long maximumPacketSize, int aliasMaximum,
            boolean requestResponseInformation) {
        return new Packet.ConnectProperties(expiry, receiveMaximum, maximumPacketSize, aliasMaximum, requestResponseInformation,
                true, List.of(), null);
    }

    private static PublishProperties alias(int alias) {
        return new PublishProperties(-1, -1, null, null, null, List.of(), alias, List.of());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
