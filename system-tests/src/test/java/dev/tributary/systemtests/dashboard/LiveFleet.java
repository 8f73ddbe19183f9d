package dev.tributary.dashboard.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tributary.fleet.bench.BrokerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What the dashboard shows, for real: the packaged mqtt-edge and the fleet simulator, each in its own
 * process, as {@code ./tributary up} runs them. The dashboard under test is pointed at the edge's
 * WebSocket listener. Init args: {@code vehicles} (3) and {@code interval} in seconds (0.5).
 */
public class LiveFleet implements QuarkusTestResourceLifecycleManager {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();
    private static volatile LiveFleet current;

    private int vehicles = 3;
    private String interval = "0.5";
    private Path work;
    private BrokerProcess edge;
    private Process fleet;

    /** The running fleet of the test class being run. */
    public static LiveFleet current() {
        return current;
    }

    @Override
    public void init(Map<String, String> args) {
        vehicles = Integer.parseInt(args.getOrDefault("vehicles", "3"));
        interval = args.getOrDefault("interval", "0.5");
    }

    @Override
    public Map<String, String> start() {
        try {
            work = Files.createTempDirectory("dashboard-it");
            edge = BrokerProcess.tributary(ROOT, work);
            fleet = startFleet();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        current = this;
        return Map.of("tributary.dashboard.mqtt.url", "ws://{host}:" + edge.webSocketPort() + "/mqtt");
    }

    private Process startFleet() throws IOException {
        Path fleetDir = ROOT.resolve("fleet/target");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", fleetDir.resolve("classes") + File.pathSeparator + fleetDir.resolve("lib") + "/*",
                "dev.tributary.fleet.sim.FleetSimulator", "--port", Integer.toString(edge.port()),
                "--vehicles", Integer.toString(vehicles), "--interval", interval, "--prefix", "t")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("fleet.log").toFile())
                .start();
    }

    public BrokerProcess edge() {
        return edge;
    }

    public int vehicles() {
        return vehicles;
    }

    /** The simulator's process, for figures such as its CPU time. */
    public Process fleetProcess() {
        return fleet;
    }

    public Path fleetLog() {
        return work.resolve("fleet.log");
    }

    @Override
    public void stop() {
        current = null;
        if (fleet != null) {
            fleet.destroy();
            try {
                if (!fleet.waitFor(20, TimeUnit.SECONDS)) {
                    fleet.destroyForcibly();
                }
            } catch (InterruptedException e) {
                fleet.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (edge != null) {
            edge.close();
        }
    }
}
