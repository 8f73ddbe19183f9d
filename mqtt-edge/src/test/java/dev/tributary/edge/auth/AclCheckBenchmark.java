package dev.tributary.edge.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.PublishListener;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.ClientLink;
import dev.tributary.edge.protocol.Connection;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What the ACL costs when authentication is on, with 10,000 rules. Run: {@code ./tributary bench-acl}.
 * <ul>
 * <li>{@code publish}, {@code subscribe}: the check of one PUBLISH and one SUBSCRIBE grant against the whole
 * rule list; {@code publishPerConnection}: a PUBLISH checked as the edge does, against the connection's
 * compiled rules (topics alternating, so the last-topic memo misses);
 * <li>{@code receive*}: the check of one delivery: {@code receiveUncompiled} scans the whole rule list as a
 * check without per-client state would, {@code receiveUncached} scans the client's compiled rules (a cache
 * miss), {@code receiveCached} goes to the cache (a subscription to {@code #} under a deny rule, 16 topics in
 * turn), {@code receiveRecent} is one of the four topics last decided, {@code receiveFastPath} a subscription
 * that is wholly allowed (16 topics in turn); {@code compile} is what each connected client pays once after an
 * ACL change;
 * <li>{@code fanOut}: one message (16 topics in turn) routed to 1,000 subscribers of {@code #} through the real broker (in-memory
 * ports, links that discard what is sent), with {@code acl=allow-all} (every subscription wholly allowed)
 * and {@code acl=deny-secret} (a deny rule on {@code secret/#}: every delivery is checked, from the cache).
 * </ul>
 * {@code rules=per-user}: 10,000 rules each for another user, as per-device rules are (none applies to the
 * client); {@code rules=shared}: 10,000 rules for everyone on other subtrees (all apply, none matches: the
 * worst case for a scan).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AclCheckBenchmark {

    private static final String[] TOPICS = { "fleet/v42/telemetry", "fleet/v42/status", "fleet/v43/telemetry", "dash/load" };
    /**
     * Sixteen topics in turn: more than the four a receive check remembers in its own fields, so deliveries
     * go to its 32-entry cache (where two pairs of them collide and miss).
     */
    private static final String[] FLEET = new String[16];
    /** Sixteen topics under one device's own subtree. */
    private static final String[] OWN = new String[16];

    static {
        for (int i = 0; i < FLEET.length; i++) {
            FLEET[i] = "fleet/v" + (40 + i) + "/telemetry";
            OWN[i] = "fleet/v42/sensor-" + i;
        }
    }

    /** The rules of {@code ./tributary up} behind 10,000 others, and a deny rule on secret/#. */
    static List<AclRule> rules(String kind, boolean denySecret) {
        List<AclRule> rules = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rules.add(kind.equals("per-user")
                    ? new AclRule(Who.USER, "someone-" + i, "private/" + i + "/#", Action.BOTH, true)
                    : new AclRule(Who.ANY, null, "area/" + i + "/#", Action.BOTH, true));
        }
        if (denySecret) {
            rules.add(new AclRule(Who.ANY, null, "secret/#", Action.SUBSCRIBE, false));
        }
        rules.add(new AclRule(Who.ANY, null, "fleet/${username}/#", Action.BOTH, true));
        rules.add(new AclRule(Who.GROUP, "dashboard", "#", Action.SUBSCRIBE, true));
        rules.add(new AclRule(Who.GROUP, "dashboard", "fleet/+/commands", Action.PUBLISH, true));
        return rules;
    }

    @State(Scope.Thread)
    public static class Checks {

        @Param({ "per-user", "shared" })
        String rules;

        List<AclRule> list;
        AclCheck.Subject dashboard;
        AclCheck.SubjectRules compiled;
        PublishCheck publishCheck;
        ReceiveCheck cached;
        ReceiveCheck fastPath;
        Map<String, Integer> everything = Map.of("#", 0);
        Map<String, Integer> ownTree = Map.of("fleet/v42/#", 1);
        int next;

        @Setup
        public void setUp() {
            list = rules(rules, true);
            dashboard = new AclCheck.Subject("v42", "v42-dash", List.of("dashboard"));
            compiled = AclCheck.compile(list, dashboard, Action.SUBSCRIBE);
            InMemoryAuthReplica replica = new InMemoryAuthReplica();
            replica.set(new AuthSnapshot(Map.of("v42", new Principal("v42", Kind.USER, "x", List.of("dashboard"), false, 0)),
                    list, Map.of()));
            ReplicaAuth auth = new ReplicaAuth(replica, new ReplicaAuth.Settings(10, 5, 1, "tributary", 30), Runnable::run,
                    System::nanoTime, new SimpleMeterRegistry(), users -> { });
            publishCheck = auth.publishCheck("v42-dash", "v42");
            cached = auth.receiveCheck("v42-dash", "v42");
            fastPath = auth.receiveCheck("v42-own", "v42");
        }

        String topic() {
            return TOPICS[next++ & 3];
        }
    }

    @Benchmark
    public boolean publish(Checks s) {
        return AclCheck.mayPublish(s.list, s.dashboard, s.topic());
    }

    @Benchmark
    public boolean publishPerConnection(Checks s) {
        return s.publishCheck.mayPublish(s.topic());
    }

    @Benchmark
    public boolean subscribe(Checks s) {
        return AclCheck.maySubscribe(s.list, s.dashboard, "fleet/+/telemetry");
    }

    @Benchmark
    public boolean receiveUncompiled(Checks s) {
        return AclCheck.mayReceive(s.list, s.dashboard, s.topic());
    }

    @Benchmark
    public boolean receiveUncached(Checks s) {
        return s.compiled.allows(s.topic());
    }

    @Benchmark
    public boolean receiveCached(Checks s) {
        return s.cached.mayReceive(FLEET[s.next++ & 15], s.everything, 1);
    }

    @Benchmark
    public boolean receiveRecent(Checks s) {
        return s.cached.mayReceive(TOPICS[s.next++ & 3], s.everything, 1);
    }

    @Benchmark
    public boolean receiveFastPath(Checks s) {
        return s.fastPath.mayReceive(OWN[s.next++ & 15], s.ownTree, 1);
    }

    @Benchmark
    public AclCheck.SubjectRules compile(Checks s) {
        return AclCheck.compile(s.list, s.dashboard, Action.SUBSCRIBE);
    }

    /** A connection whose packets go nowhere. */
    static final class DiscardingLink implements ClientLink {

        @Override
        public void send(Packet packet) {
            // discarded
        }

        @Override
        public void write(Packet packet) {
            // discarded
        }

        @Override
        public void flush() {
            // nothing written
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void pauseReading() {
            // nothing is read
        }

        @Override
        public void resumeReading() {
            // nothing is read
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void close() {
            // nothing to close
        }

        @Override
        public String remoteAddress() {
            return "bench";
        }

        @Override
        public String certificateCommonName() {
            return null;
        }
    }

    @State(Scope.Thread)
    public static class FanOut {

        @Param({ "allow-all", "deny-secret" })
        String acl;

        @Param({ "1000" })
        int subscribers;

        Broker broker;
        Message[] messages;
        int next;

        @Setup
        public void setUp() {
            List<AclRule> list = rules("per-user", acl.equals("deny-secret"));
            Map<String, Principal> principals = new HashMap<>();
            for (int i = 0; i < subscribers; i++) {
                String name = "dash-" + i;
                principals.put(name, new Principal(name, Kind.USER, "x", List.of("dashboard"), false, 0));
            }
            InMemoryAuthReplica replica = new InMemoryAuthReplica();
            replica.set(new AuthSnapshot(principals, list, Map.of()));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            EdgeMetrics metrics = new EdgeMetrics(registry);
            ReplicaAuth auth = new ReplicaAuth(replica, new ReplicaAuth.Settings(10, 5, 1, "tributary", 30), Runnable::run,
                    System::nanoTime, registry, users -> { });
            TopicTree tree = new TopicTree();
            broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 10, 10), tree,
                    new InMemoryRetainedStore(), PublishListener.NONE, new AllowAll(), auth, metrics,
                    new ProtocolLimits(TopicLimits.SPEC, 64, false, Duration.ofSeconds(5)));
            for (int i = 0; i < subscribers; i++) {
                Connection c = broker.open(new DiscardingLink());
                c.received(new Packet.Connect(4, "dash-" + i, true, 0, "dash-" + i, new byte[] { 1 }, null));
                c.received(new Packet.Subscribe(1, List.of(new Packet.Subscription("#", 0))));
            }
            messages = new Message[FLEET.length];
            for (int i = 0; i < FLEET.length; i++) {
                messages[i] = new Message(FLEET[i], "{\"speed\":42}".getBytes(StandardCharsets.UTF_8), 0, false,
                        "v42", "v42", 0);
            }
        }
    }

    /** One message to every subscriber: divide by {@code subscribers} for the cost of one delivery. */
    @Benchmark
    public void fanOut(FanOut s) {
        s.broker.publishInternal(s.messages[s.next++ & 15]);
    }
}
