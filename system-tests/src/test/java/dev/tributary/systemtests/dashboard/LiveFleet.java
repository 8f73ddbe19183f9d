package dev.tributary.systemtests.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;

/**
 * What the dashboard shows, for real: the packaged mqtt-edge, the fleet simulator and the packaged
 * web-dashboard, each in its own process, as {@code ./tributary up} runs them. The dashboard is
 * pointed at the edge's WebSocket listener, with login off (the edge here has no authentication).
 */
final class LiveFleet implements AutoCloseable {

    private final Path work;
    private EdgeProcess edge;
    private ServiceProcess fleet;
    private ServiceProcess dashboard;
    private URI page;

    /** {@code vehicles} simulated vehicles, each publishing every {@code interval} seconds. */
    LiveFleet(int vehicles, String interval) {
        Path root = ServiceProcess.root();
        try {
            work = Files.createTempDirectory("dashboard-it");
            edge = EdgeProcess.start(root, work);
            fleet = ServiceProcess.start("fleet", ServiceProcess.javaMain(root, "fleet", List.of("-Xmx512m"),
                    "dev.tributary.fleet.sim.FleetSimulator", List.of("--port", Integer.toString(edge.port()),
                            "--vehicles", Integer.toString(vehicles), "--interval", interval, "--prefix", "t")),
                    work.resolve("fleet.log"), ServiceProcess.Readiness.NONE);
            int httpPort = ServiceProcess.freePort();
            ProcessBuilder command = ServiceProcess.quarkusApp(root, "web-dashboard", List.of("-Xmx256m"));
            command.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
            command.environment().put("TRIBUTARY_DASHBOARD_MQTT_URL", "ws://{host}:" + edge.webSocketPort() + "/mqtt");
            command.environment().put("TRIBUTARY_DASHBOARD_LOGIN_ENABLED", "false");
            page = URI.create("http://127.0.0.1:" + httpPort + "/");
            dashboard = ServiceProcess.start("web-dashboard", command, work.resolve("web-dashboard.log"),
                    ServiceProcess.Readiness.httpOk(page.resolve("/q/health/ready")));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The dashboard's page. */
    String page() {
        return page.toString();
    }

    EdgeProcess edge() {
        return edge;
    }

    /** The fleet first (its vehicles say goodbye), then the dashboard and the edge. */
    @Override
    public void close() {
        for (AutoCloseable part : new AutoCloseable[] { fleet, dashboard, edge }) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
