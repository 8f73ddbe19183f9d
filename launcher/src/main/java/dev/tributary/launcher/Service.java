package dev.tributary.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One Quarkus service process of the platform as the launcher starts it: the module it runs, the
 * ports it binds, the settings it gets through its environment and the addresses {@code up} prints.
 *
 * @param placement settings that only place the process on this machine beside the others (the ports
 *        of edge 2 and up); a deployment where every process has its own address leaves them at their defaults
 * @param settings the other settings, from what this run of the platform is made of
 */
record Service(String name, String module, int httpPort, List<Integer> ports, Map<String, String> placement,
        BiConsumer<Settings, Map<String, String>> settings, List<String> addresses) {

    /**
     * What this run of the platform is made of, as the services' settings reflect it.
     *
     * @param kafkaBootstrap the Kafka cluster's bootstrap servers
     * @param kafkaReplication the replication factor of the topics the services create; 0 when the
     *        cluster is not the launcher's (the services' defaults, or the operator's settings, then apply)
     * @param edgeCertificate the edge's TLS certificate from the local CA, or null (the operator's own, or none)
     */
    record Settings(String kafkaBootstrap, int kafkaReplication, Path edgeCertificate, Path edgeKey, String adminPassword,
            Path tokenKeyFile) {
    }

    /** The platform with {@code edges} edge nodes: the edges first, then auth-service, ingest-connector and the dashboard. */
    static List<Service> platform(int edges) {
        List<Service> all = new ArrayList<>();
        for (int k = 1; k <= edges; k++) {
            all.add(edge(EdgePorts.of(k)));
        }
        all.add(new Service("auth-service", "auth-service", 8082, List.of(8082), Map.of(), (s, env) -> {
            env.put("KAFKA_BOOTSTRAP_SERVERS", s.kafkaBootstrap());
            env.put("TRIBUTARY_AUTH_ADMIN_PASSWORD", s.adminPassword());
            env.put("TRIBUTARY_AUTH_TOKENS_KEY_FILE", s.tokenKeyFile().toString());
            if (s.kafkaReplication() > 0) {
                env.put("TRIBUTARY_AUTH_REPLICATION_FACTOR", Integer.toString(s.kafkaReplication()));
            }
        }, List.of(address("auth-service", "http://127.0.0.1:8082"))));
        all.add(new Service("ingest-connector", "ingest-connector", 8083, List.of(8083), Map.of(), (s, env) -> {
            env.put("KAFKA_BOOTSTRAP_SERVERS", s.kafkaBootstrap());
            if (s.kafkaReplication() > 0) {
                env.put("TRIBUTARY_INGEST_TOPICS_REPLICATION_FACTOR", Integer.toString(s.kafkaReplication()));
            }
        }, List.of(address("ingest health", "http://127.0.0.1:8083/q/health"))));
        // the page's MQTT URL stays its default, {ws}://{host}:9001/mqtt: edge 1
        // the operations view reads every service's health and metrics through the dashboard
        List<String> operated = new ArrayList<>();
        for (int k = 1; k <= edges; k++) {
            operated.add("mqtt-edge-" + k + "=http://127.0.0.1:" + EdgePorts.of(k).http());
        }
        operated.add("auth-service=http://127.0.0.1:8082");
        operated.add("ingest-connector=http://127.0.0.1:8083");
        all.add(new Service("web-dashboard", "web-dashboard", 8080, List.of(8080), Map.of(), (s, env) -> {
            env.put("KAFKA_BOOTSTRAP_SERVERS", s.kafkaBootstrap());
            env.put("TRIBUTARY_DASHBOARD_OPERATIONS_SERVICES", String.join(",", operated));
        }, List.of(address("dashboard", "http://127.0.0.1:8080"))));
        return List.copyOf(all);
    }

    private static Service edge(EdgePorts ports) {
        Map<String, String> placement = new LinkedHashMap<>();
        placement.put("TRIBUTARY_EDGE_MQTT_PORT", Integer.toString(ports.mqtt()));
        placement.put("TRIBUTARY_EDGE_TLS_PORT", Integer.toString(ports.tls()));
        placement.put("TRIBUTARY_EDGE_WEBSOCKET_PORT", Integer.toString(ports.webSocket()));
        placement.put("QUARKUS_HTTP_PORT", Integer.toString(ports.http()));
        String node = ports.nodeId();
        String http = "http://127.0.0.1:" + ports.http();
        return new Service("mqtt-edge-" + ports.edge(), "mqtt-edge", ports.http(), ports.all(), placement, (s, env) -> {
            env.put("KAFKA_BOOTSTRAP_SERVERS", s.kafkaBootstrap());
            env.put("TRIBUTARY_EDGE_NODE_ID", node);
            if (s.kafkaReplication() > 0) {
                env.put("TRIBUTARY_EDGE_MIRROR_TOPICS_REPLICATION_FACTOR", Integer.toString(s.kafkaReplication()));
            }
            if (s.edgeCertificate() != null) {
                // TLS and WSS beside WS from the first start, with the local CA's certificate (it names 127.0.0.1
                // and localhost, so every edge on this machine shares it)
                env.put("TRIBUTARY_EDGE_TLS_ENABLED", "true");
                env.put("TRIBUTARY_EDGE_TLS_CERTIFICATE", s.edgeCertificate().toString());
                env.put("TRIBUTARY_EDGE_TLS_KEY", s.edgeKey().toString());
            }
        }, List.of(
                address(node + " MQTT", "mqtt://127.0.0.1:" + ports.mqtt()),
                address(node + " TLS", "mqtts://127.0.0.1:" + ports.tls()),
                address(node + " WS", "ws://127.0.0.1:" + ports.webSocket() + "/mqtt, wss://127.0.0.1:" + ports.webSocket() + "/mqtt"),
                address(node + " HTTP", http + "/q/health, " + http + "/q/metrics")));
    }

    /** One line of the address list: a label padded to a column, then the address. */
    static String address(String label, String address) {
        return String.format("%-15s%s", label, address);
    }

    /** Every setting the service gets through its environment: its placement and its settings. */
    Map<String, String> environment(Settings run) {
        Map<String, String> env = new LinkedHashMap<>(placement);
        settings.accept(run, env);
        return env;
    }

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
