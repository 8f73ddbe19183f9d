package dev.tributary.edge.auth;

import java.util.ArrayList;
import java.util.List;
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
import dev.tributary.common.auth.AuthRecords.Who;

/**
 * What the ACL costs each PUBLISH and SUBSCRIBE when authentication is on: the default rules of
 * {@code ./tributary up} (a placeholder rule first, so every check substitutes), with {@code extraRules}
 * per-user rules in front that do not apply to the publishing device (the worst case: all scanned).
 * Run: {@code ./tributary bench-acl}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AclCheckBenchmark {

    @Param({ "0", "100" })
    int extraRules;

    private List<AclRule> rules;
    private AclCheck.Subject device;
    private String[] topics;
    private int next;

    @Setup
    public void rules() {
        rules = new ArrayList<>();
        for (int i = 0; i < extraRules; i++) {
            rules.add(new AclRule(Who.USER, "someone-" + i, "private/" + i + "/#", Action.BOTH, true));
        }
        rules.add(new AclRule(Who.ANY, null, "fleet/${username}/#", Action.BOTH, true));
        rules.add(new AclRule(Who.GROUP, "dashboard", "#", Action.SUBSCRIBE, true));
        rules.add(new AclRule(Who.GROUP, "dashboard", "fleet/+/commands", Action.PUBLISH, true));
        device = new AclCheck.Subject("v42", "sim-v42", List.of("vehicles"));
        topics = new String[] { "fleet/v42/telemetry", "fleet/v42/status", "fleet/v43/telemetry", "fleet/v42/commands/ack" };
    }

    @Benchmark
    public boolean publish() {
        return AclCheck.mayPublish(rules, device, topics[next++ & 3]);
    }

    @Benchmark
    public boolean subscribe() {
        return AclCheck.maySubscribe(rules, device, "fleet/v42/commands");
    }
}
