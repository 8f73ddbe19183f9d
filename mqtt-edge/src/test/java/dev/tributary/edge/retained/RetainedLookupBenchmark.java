package dev.tributary.edge.retained;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.tributary.edge.mqtt.Message;

/**
 * What a SUBSCRIBE's retained lookup costs with a full store (200,000 retained messages, the default
 * {@code retained.max-messages}: 50,000 vehicles with four topics each): one vehicle's {@code fleet/v1/#}
 * (4 matches), a filter in a tree that holds nothing ({@code other/#}), one topic of every vehicle
 * ({@code fleet/+/status}, 50,000 matches) and an exact topic. A client may send 100 filters per SUBSCRIBE.
 * Run: {@code java -cp ... org.openjdk.jmh.Main RetainedLookupBenchmark} (see docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RetainedLookupBenchmark {

    @Param({ "200000" })
    int retained;

    private InMemoryRetainedStore store;
    private int vehicles;
    private int next;

    @Setup
    public void fill() {
        store = new InMemoryRetainedStore();
        vehicles = retained / 4;
        String[] kinds = { "status", "telemetry", "position", "commands/ack" };
        for (int v = 0; v < vehicles; v++) {
            for (String kind : kinds) {
                store.put(new Message("fleet/v" + v + "/" + kind, new byte[] { 1 }, 0, true, "c", "u", 0));
            }
        }
    }

    @Benchmark
    public Object oneVehiclesWildcard() {
        next = (next + 7919) % vehicles;
        return store.matching("fleet/v" + next + "/#");
    }

    @Benchmark
    public Object wildcardOverAnEmptyTree() {
        return store.matching("other/#");
    }

    @Benchmark
    public Object oneTopicOfEveryVehicle() {
        return store.matching("fleet/+/status");
    }

    @Benchmark
    public Object exactTopic() {
        next = (next + 7919) % vehicles;
        return store.matching("fleet/v" + next + "/status");
    }
}
