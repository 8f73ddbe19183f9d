package dev.tributary.fleet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.hivemq.client.mqtt.datatypes.MqttQos;

/**
 * The broker benchmark of issue 3: the same loads against Tributary's mqtt-edge and Debian's
 * Mosquitto, started here one after the other on this machine, figures printed as a table.
 *
 * <pre>
 * ./tributary bench [seconds-per-scenario] [idle-connections] [scenarios] [brokers]
 * </pre>
 * scenarios: a comma-separated subset of fanin0,fanin1,fanout,latency,idle (default all);
 * brokers: of tributary,mosquitto (default both).
 */
public final class Benchmark {

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        List<String> only = List.of((args.length > 2 ? args[2] : "fanin0,fanin1,fanout,latency,idle").split(","));
        List<String> brokers = List.of((args.length > 3 ? args[3] : "tributary,mosquitto").split(","));
        Path work = Files.createTempDirectory("tributary-bench");
        List<Scenarios.Result> results = new ArrayList<>();
        for (String name : brokers) {
            System.out.println("== " + name);
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
                if (only.contains("latency")) {
                    results.add(print(scenarios.latency(2_000, duration)));
                }
                System.out.printf("   broker CPU for these loads: %.1f s%n", broker.cpuSeconds() - cpuBefore);
                if (broker.isJvm()) {
                    System.out.println("   broker's dropped counters: " + broker.droppedCounters());
                }
            }
            if (only.contains("idle")) {
                try (BrokerProcess broker = start(name, root, work)) {
                    results.add(print(new Scenarios(broker).idleConnections(idle)));
                }
            }
        }
        System.out.println();
        System.out.printf("%-22s %-10s %14s %-13s %10s %10s %8s  %s%n",
                "scenario", "broker", "figure", "unit", "sent", "received", "lost", "notes");
        for (Scenarios.Result r : results) {
            System.out.println(format(r));
        }
    }

    private static BrokerProcess start(String name, Path root, Path work) throws Exception {
        return name.equals("tributary") ? BrokerProcess.tributary(root, work) : BrokerProcess.mosquitto(work);
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
