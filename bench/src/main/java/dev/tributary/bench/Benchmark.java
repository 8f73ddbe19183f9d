package dev.tributary.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.hivemq.client.mqtt.datatypes.MqttQos;

/**
 * The broker benchmark of issue 3: the same loads against Tributary's mqtt-edge and Debian's
 * Mosquitto, started here one after the other on this machine (for latency side by side, taking
 * turns), figures printed as a table.
 *
 * <pre>
 * ./tributary bench [seconds-per-scenario] [idle-connections] [scenarios] [brokers]
 * </pre>
 * scenarios: a comma-separated subset of fanin0,fanin1,fanout,latency,idle (default all);
 * brokers: of tributary,mosquitto (default both).
 */
public final class Benchmark {

    private static final int LATENCY_ROUNDS = 5;
    private static final int IDLE_ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        List<String> only = List.of((args.length > 2 ? args[2] : "fanin0,fanin1,fanout,latency,idle").split(","));
        List<String> brokers = List.of((args.length > 3 ? args[3] : "tributary,mosquitto").split(","));
        List<Scenarios.Result> results = new ArrayList<>();
        HostSteal start = HostSteal.now();
        try (WorkDir workDir = new WorkDir("tributary-bench")) {
            Path work = workDir.path();
            boolean loads = only.contains("fanin0") || only.contains("fanin1") || only.contains("fanout");
            for (String name : brokers) {
                System.out.println("== " + name);
                if (loads) {
                    results.addAll(loads(name, root, work, only, duration));
                }
                if (only.contains("idle")) {
                    // a fresh broker each round; resident memory moves with what the JVM happens to
                    // hold at the first reading (2-3x between single runs), so the median is reported
                    List<Scenarios.Result> rounds = new ArrayList<>();
                    for (int round = 0; round < IDLE_ROUNDS; round++) {
                        try (BrokerProcess broker = start(name, root, work)) {
                            rounds.add(print(new Scenarios(broker).idleConnections(idle)));
                        }
                    }
                    results.add(median(rounds, "RSS B/conn"));
                }
            }
            if (only.contains("latency")) {
                System.out.println("== latency, brokers in turn");
                results.addAll(latencyInTurns(brokers, root, work, duration));
            }
        }
        System.out.println();
        System.out.printf("%-22s %-10s %14s %-13s %10s %10s %8s  %s%n",
                "scenario", "broker", "figure", "unit", "sent", "received", "lost", "notes");
        for (Scenarios.Result r : results) {
            System.out.println(format(r));
        }
        System.out.printf("CPU stolen by the host during the run: %.0f %%%n", HostSteal.now().percentSince(start));
    }

    /** The throughput loads against one broker, after a warm-up. */
    private static List<Scenarios.Result> loads(String name, Path root, Path work, List<String> only, Duration duration)
            throws Exception {
        List<Scenarios.Result> results = new ArrayList<>();
        try (BrokerProcess broker = start(name, root, work)) {
            Scenarios scenarios = new Scenarios(broker);
            scenarios.fanIn("warm-up", 10, MqttQos.AT_MOST_ONCE, 64, Duration.ofSeconds(5));
            double cpuBefore = broker.cpuSeconds();
            if (only.contains("fanin0")) {
                results.add(print(scenarios.fanIn("fan-in QoS 0", 50, MqttQos.AT_MOST_ONCE, 64, duration)));
            }
            if (only.contains("fanin1")) {
                results.add(print(scenarios.fanIn("fan-in QoS 1", 50, MqttQos.AT_LEAST_ONCE, 16, duration)));
            }
            if (only.contains("fanout")) {
                results.add(print(scenarios.fanOut(100, MqttQos.AT_MOST_ONCE, 64, duration)));
            }
            System.out.printf("   broker CPU for these loads: %.1f s%n", broker.cpuSeconds() - cpuBefore);
            if (broker.isJvm()) {
                System.out.println("   broker's dropped counters: " + broker.droppedCounters());
            }
        }
        return results;
    }

    /**
     * End-to-end latency at 2,000 msg/s, {@value #LATENCY_ROUNDS} rounds per broker with the brokers
     * running side by side and taking turns (the order alternating each round). This machine's
     * noise changes over minutes: one run per broker, minutes apart, compared the noise more than
     * the brokers. Reports the round with the median p50 of each broker, every round's p50 in the notes.
     */
    private static List<Scenarios.Result> latencyInTurns(List<String> names, Path root, Path work, Duration duration)
            throws Exception {
        List<BrokerProcess> running = new ArrayList<>();
        try {
            for (String name : names) {
                BrokerProcess broker = start(name, root, work);
                running.add(broker);
                new Scenarios(broker).fanIn("warm-up", 10, MqttQos.AT_MOST_ONCE, 64, Duration.ofSeconds(5));
            }
            Map<String, List<Scenarios.Result>> rounds = new LinkedHashMap<>();
            for (int round = 0; round < LATENCY_ROUNDS; round++) {
                for (int turn = 0; turn < running.size(); turn++) {
                    BrokerProcess broker = running.get((round + turn) % running.size());
                    rounds.computeIfAbsent(broker.name(), n -> new ArrayList<>())
                            .add(print(new Scenarios(broker).latency(2_000, duration)));
                }
            }
            List<Scenarios.Result> medians = new ArrayList<>();
            for (List<Scenarios.Result> each : rounds.values()) {
                medians.add(median(each, "p50s"));
            }
            return medians;
        } finally {
            for (BrokerProcess broker : running) {
                broker.close();
            }
        }
    }

    /** The round with the median figure, noting every round's figure. */
    private static Scenarios.Result median(List<Scenarios.Result> rounds, String figures) {
        List<Scenarios.Result> sorted = rounds.stream().sorted(Comparator.comparingDouble(Scenarios.Result::rate)).toList();
        Scenarios.Result median = sorted.get(sorted.size() / 2);
        String each = rounds.stream().map(r -> String.format("%.0f", r.rate())).collect(Collectors.joining(", "));
        return new Scenarios.Result(median.scenario(), median.broker(), median.rate(), median.unit(),
                rounds.stream().mapToLong(Scenarios.Result::sent).sum(),
                rounds.stream().mapToLong(Scenarios.Result::received).sum(),
                rounds.stream().mapToLong(Scenarios.Result::lost).sum(),
                "median of " + rounds.size() + " rounds (" + figures + " " + each + "); that round: " + median.note());
    }

    private static BrokerProcess start(String name, Path root, Path work) throws Exception {
        return name.equals("tributary") ? BrokerProcess.tributary(root, work, null) : BrokerProcess.mosquitto(work);
    }

    private static Scenarios.Result print(Scenarios.Result r) {
        System.out.println(format(r));
        return r;
    }

    private static String format(Scenarios.Result r) {
        return String.format("%-22s %-10s %14.0f %-13s %10d %10d %8d  %s",
                r.scenario(), r.broker(), r.rate(), r.unit(), r.sent(), r.received(), r.lost(), r.note());
    }
}
