package dev.tributary.edge.subscriptions;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How the topic tree copes with a fleet's worth of subscriptions: matching a published topic and
 * a subscribe/unsubscribe pair, with 100,000 subscriptions of the shapes a fleet uses (per-vehicle
 * exact filters and {@code #}, shared {@code +} filters). Run: {@code ./tributary bench-tree}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicTreeBenchmark {

    @Param({ "100000" })
    int subscriptions;

    private TopicTree tree;
    private String[] topics;
    private int next;
    private int churn;

    @Setup
    public void fill() {
        tree = new TopicTree();
        Random random = new Random(7);
        int vehicles = subscriptions / 2;
        for (int i = 0; i < subscriptions; i++) {
            String client = "client-" + i;
            switch (i % 10) {
                case 0, 1, 2, 3, 4, 5 -> tree.subscribe(client, "fleet/v" + (i % vehicles) + "/commands", 1);
                case 6, 7 -> tree.subscribe(client, "fleet/v" + (i % vehicles) + "/#", 0);
                case 8 -> tree.subscribe(client, "region/" + (i % 1000) + "/+/temperature", 0);
                default -> tree.subscribe(client, "dashboards/" + (i % 100) + "/+/+/status", 0);
            }
        }
        topics = new String[1024];
        for (int i = 0; i < topics.length; i++) {
            int v = random.nextInt(vehicles);
            topics[i] = switch (i % 3) {
                case 0 -> "fleet/v" + v + "/commands";
                case 1 -> "fleet/v" + v + "/telemetry";
                default -> "region/" + random.nextInt(1000) + "/room" + v + "/temperature";
            };
        }
    }

    @Benchmark
    public Object matchATopic() {
        return tree.match(topics[next++ & 1023]);
    }

    @Benchmark
    public boolean subscribeAndUnsubscribe() {
        String filter = "fleet/v" + (churn++ % 50_000) + "/+/extra";
        tree.subscribe("churn", filter, 1);
        return tree.unsubscribe("churn", filter);
    }
}
