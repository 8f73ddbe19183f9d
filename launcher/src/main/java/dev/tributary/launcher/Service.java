package dev.tributary.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One Quarkus service of the platform as the launcher starts it. */
record Service(String name, String module, int httpPort, List<String> addresses) {

    static final List<Service> ALL = List.of(
            new Service("mqtt-edge", "mqtt-edge", 8081, List.of(
                    "MQTT           mqtt://127.0.0.1:1883",
                    "MQTT/WebSocket ws://127.0.0.1:9001/mqtt",
                    "edge health    http://127.0.0.1:8081/q/health",
                    "edge metrics   http://127.0.0.1:8081/q/metrics")),
            new Service("auth-service", "auth-service", 8082, List.of(
                    "auth-service   http://127.0.0.1:8082")),
            new Service("ingest-connector", "ingest-connector", 8083, List.of(
                    "ingest health  http://127.0.0.1:8083/q/health")),
            new Service("web-dashboard", "web-dashboard", 8080, List.of(
                    "dashboard      http://127.0.0.1:8080")));

    /** The module's {@code jvm.options} (one option per line, # for comments), if it has one. */
    List<String> jvmOptions(Path root) throws IOException {
        Path file = root.resolve(module).resolve("jvm.options");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    Path runner(Path root) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    String readinessUrl() {
        return "http://127.0.0.1:" + httpPort + "/q/health/ready";
    }
}
