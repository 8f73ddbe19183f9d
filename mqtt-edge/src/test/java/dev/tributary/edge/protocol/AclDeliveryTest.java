package dev.tributary.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.auth.AuthReplica;
import dev.tributary.edge.auth.AuthSnapshot;
import dev.tributary.edge.auth.InMemoryAuthReplica;
import dev.tributary.edge.auth.ReplicaAuth;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Packet.Publish;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.tributary.edge.mqtt.Packet;

/**
 * The protocol state machine with ACLs from an in-memory auth replica: SUBSCRIBE grants as Mosquitto does,
 * and each delivery (routed, retained, queued, resent) is checked under the rules of that moment.
 */
class AclDeliveryTest {

    private static final AclRule INSIDERS_READ_SECRET = new AclRule(Who.GROUP, "insiders", "secret/#", Action.SUBSCRIBE, true);
    private static final AclRule NOBODY_ELSE_READS_SECRET = new AclRule(Who.ANY, null, "secret/#", Action.SUBSCRIBE, false);
    private static final AclRule EVERYONE_EVERYTHING = new AclRule(Who.ANY, null, "#", Action.BOTH, true);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final TopicTree tree = new TopicTree();
    private final InMemoryAuthReplica replica = new InMemoryAuthReplica();
    private final ReplicaAuth auth = new ReplicaAuth(replica, new ReplicaAuth.Settings(10, 5, 60_000_000_000L, "tributary", 30),
            Runnable::run, System::nanoTime, registry, users -> { });
    private final Broker broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 2, 10), tree,
            new InMemoryRetainedStore(), PublishListener.NONE, new AllowAll(), auth, metrics,
            new ProtocolLimits(TopicLimits.SPEC, 64, false, Duration.ofSeconds(5)));
    private final Map<String, Principal> principals = new HashMap<>();
    private List<AclRule> rules = List.of(INSIDERS_READ_SECRET, NOBODY_ELSE_READS_SECRET, EVERYONE_EVERYTHING);

    @BeforeEach
    void users() {
        principal("reader", List.of());
        principal("insider", List.of("insiders"));
        principal("publisher", List.of());
    }

    private void principal(String name, List<String> groups) {
        principals.put(name, new Principal(name, Kind.DEVICE, "x", groups, false, 0));
        publishReplica();
    }

    private void rules(AclRule... value) {
        rules = List.of(value);
        publishReplica();
    }

    private void publishReplica() {
        replica.set(new AuthSnapshot(principals, rules, Map.of()));
    }

    @Test
    void whenSubscribedToHash_withSecretDenied_thenGrantedAndEverythingButSecretIsDelivered_MQTT_3_9_3() {
        RecordingLink reader = new RecordingLink();
        Connection r = connect(reader, "reader", "reader", true);
        r.received(new Packet.Subscribe(5, List.of(new Packet.Subscription("#", 1), new Packet.Subscription("+/+", 0))));
        assertThat(reader.last()).as("granted QoS per filter").isEqualTo(new Packet.SubAck(5, List.of(1, 0)));

        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("a/b", bytes("public"), 1, false, false, 1));
        p.received(new Publish("secret/x", bytes("secret"), 1, false, false, 2));
        p.received(new Publish("secret", bytes("secret parent"), 0, false, false, 0));

        assertThat(reader.sent(Publish.class)).extracting(Publish::topic).containsExactly("a/b");
        assertThat(registry.counter("tributary.auth.denied", "action", "receive").count()).isEqualTo(2);
    }

    @Test
    void subscribeOfManyFilters_isDecidedByTheConnectionsCompiledRules_notTheNodesListPerFilter() {
        AtomicInteger snapshots = new AtomicInteger();
        AuthReplica counting = new AuthReplica() {
            @Override
            public AuthSnapshot snapshot() {
                snapshots.incrementAndGet();
                return replica.snapshot();
            }

            @Override
            public boolean isLoaded() {
                return replica.isLoaded();
            }

            @Override
            public void onChange(BiConsumer<AuthSnapshot, AuthSnapshot> listener) {
                replica.onChange(listener);
            }
        };
        ReplicaAuth countingAuth = new ReplicaAuth(counting, new ReplicaAuth.Settings(10, 5, 60_000_000_000L, "tributary", 30),
                Runnable::run, System::nanoTime, registry, users -> { });
        Broker countingBroker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 2, 10), tree,
                new InMemoryRetainedStore(), PublishListener.NONE, new AllowAll(), countingAuth, metrics,
                new ProtocolLimits(TopicLimits.SPEC, 64, false, Duration.ofSeconds(5)));
        RecordingLink reader = new RecordingLink();
        Connection r = countingBroker.open(reader);
        r.received(new Packet.Connect(4, "reader", true, 60, "reader", null, null));
        List<Packet.Subscription> filters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            filters.add(new Packet.Subscription(i % 2 == 0 ? "a/" + i : "secret/" + i, 0));
        }
        int before = snapshots.get();
        r.received(new Packet.Subscribe(8, filters));
        assertThat(snapshots.get() - before).as("rules compiled at most once for the whole SUBSCRIBE").isLessThanOrEqualTo(1);
        List<Integer> codes = ((Packet.SubAck) reader.last()).codes();
        for (int i = 0; i < 50; i++) {
            assertThat(codes.get(i)).as(filters.get(i).filter()).isEqualTo(i % 2 == 0 ? 0 : 0x80);
        }

        // a rule changed: the next SUBSCRIBE is decided by the new rules
        rules(INSIDERS_READ_SECRET, EVERYONE_EVERYTHING);
        r.received(new Packet.Subscribe(9, List.of(new Packet.Subscription("secret/1", 0))));
        assertThat(reader.last()).isEqualTo(new Packet.SubAck(9, List.of(0)));
    }

    @Test
    void whenNoTopicUnderTheFilterCouldBeDelivered_thenSuback0x80_MQTT_3_9_3_2() {
        RecordingLink reader = new RecordingLink();
        Connection r = connect(reader, "reader", "reader", true);
        r.received(new Packet.Subscribe(6, List.of(new Packet.Subscription("secret/#", 1),
                new Packet.Subscription("secret/+/x", 1), new Packet.Subscription("$SYS/#", 0))));
        assertThat(reader.last()).isEqualTo(new Packet.SubAck(6, List.of(0x80, 0x80, 0x80)));

        RecordingLink insider = new RecordingLink();
        connect(insider, "insider", "insider", true).received(new Packet.Subscribe(7, List.of(new Packet.Subscription("secret/#", 1))));
        assertThat(insider.last()).isEqualTo(new Packet.SubAck(7, List.of(1)));
    }

    @Test
    void retainedMessagesSentAtSubscribe_areCheckedPerTopic_MQTT_3_3_1_6() {
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("a/b", bytes("public"), 1, true, false, 1));
        p.received(new Publish("secret/x", bytes("secret"), 1, true, false, 2));

        RecordingLink reader = new RecordingLink();
        subscribe(connect(reader, "reader", "reader", true), "#", 1);
        assertThat(reader.sent(Publish.class)).extracting(Publish::topic).containsExactly("a/b");

        RecordingLink insider = new RecordingLink();
        subscribe(connect(insider, "insider", "insider", true), "#", 1);
        assertThat(insider.sent(Publish.class)).extracting(Publish::topic).containsExactlyInAnyOrder("a/b", "secret/x");
    }

    @Test
    void whenTheAllowingRuleIsRemovedWhileSubscribed_thenTheNextMessageIsNotDelivered() {
        RecordingLink insider = new RecordingLink();
        subscribe(connect(insider, "insider", "insider", true), "#", 0);
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("secret/x", bytes("1"), 0, false, false, 0));
        assertThat(insider.sent(Publish.class)).hasSize(1);

        rules(NOBODY_ELSE_READS_SECRET, EVERYONE_EVERYTHING);
        p.received(new Publish("secret/x", bytes("2"), 0, false, false, 0));
        p.received(new Publish("a/b", bytes("3"), 0, false, false, 0));
        assertThat(insider.sent(Publish.class)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("1", "3");
    }

    @Test
    void whenAGroupMembershipIsRemoved_thenTheMembersDeliveriesStop() {
        RecordingLink insider = new RecordingLink();
        subscribe(connect(insider, "insider", "insider", true), "secret/#", 0);
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("secret/x", bytes("1"), 0, false, false, 0));

        principal("insider", List.of());
        p.received(new Publish("secret/x", bytes("2"), 0, false, false, 0));
        assertThat(insider.sent(Publish.class)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("1");
    }

    @Test
    void whenTheReceivingRightGoesWhileMessagesWaitOffline_thenTheyAreNotSentOnReconnect_MQTT_3_1_2_4() {
        Connection insider = connect(new RecordingLink(), "insider", "insider", false);
        subscribe(insider, "#", 1);
        insider.connectionLost();
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("secret/x", bytes("queued secret"), 1, false, false, 1));
        p.received(new Publish("a/b", bytes("queued public"), 1, false, false, 2));

        rules(NOBODY_ELSE_READS_SECRET, EVERYONE_EVERYTHING);
        RecordingLink back = new RecordingLink();
        connect(back, "insider", "insider", false);
        assertThat(back.sent(Publish.class)).extracting(Publish::topic).containsExactly("a/b");
    }

    @Test
    void whenTheReceivingRightGoesBeforeAnUnacknowledgedMessageIsResent_thenItIsDropped_MQTT_4_4_0_1() {
        RecordingLink first = new RecordingLink();
        Connection insider = connect(first, "insider", "insider", false);
        subscribe(insider, "#", 1);
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("secret/x", bytes("unacknowledged"), 1, false, false, 1));
        p.received(new Publish("a/b", bytes("unacknowledged too"), 1, false, false, 2));
        assertThat(first.sent(Publish.class)).hasSize(2);
        insider.connectionLost();

        rules(NOBODY_ELSE_READS_SECRET, EVERYONE_EVERYTHING);
        RecordingLink back = new RecordingLink();
        connect(back, "insider", "insider", false);
        assertThat(back.sent(Publish.class)).singleElement()
                .satisfies(m -> assertThat(m.topic()).isEqualTo("a/b"))
                .satisfies(m -> assertThat(m.dup()).isTrue());
    }

    @Test
    void whenThePrincipalIsDeleted_thenNothingMoreIsDelivered() {
        RecordingLink reader = new RecordingLink();
        subscribe(connect(reader, "reader", "reader", true), "a/#", 0);
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        principals.remove("reader");
        publishReplica();
        p.received(new Publish("a/b", bytes("x"), 0, false, false, 0));
        assertThat(reader.sent(Publish.class)).isEmpty();
    }

    @Test
    void whenPublishingIsDeniedWhileConnected_thenTheNextPublishIsNeitherRoutedNorCountedAsAllowed() {
        RecordingLink reader = new RecordingLink();
        subscribe(connect(reader, "reader", "reader", true), "a/#", 0);
        Connection p = connect(new RecordingLink(), "publisher", "publisher", true);
        p.received(new Publish("a/b", bytes("1"), 0, false, false, 0));

        rules(new AclRule(Who.USER, "publisher", "#", Action.PUBLISH, false), EVERYONE_EVERYTHING);
        p.received(new Publish("a/b", bytes("2"), 0, false, false, 0));
        assertThat(reader.sent(Publish.class)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("1");
        assertThat(registry.counter("tributary.auth.denied", "action", "publish").count()).isEqualTo(1);
    }

    private Connection connect(RecordingLink link, String clientId, String user, boolean clean) {
        Connection connection = broker.open(link);
        connection.received(new Packet.Connect(4, clientId, clean, 60, user, bytes("pw"), null));
        assertThat(link.sent(Packet.ConnAck.class)).last().extracting(Packet.ConnAck::code)
                .isEqualTo(Packet.ConnectCode.ACCEPTED);
        return connection;
    }

    private static void subscribe(Connection connection, String filter, int qos) {
        connection.received(new Packet.Subscribe(1, List.of(new Packet.Subscription(filter, qos))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
