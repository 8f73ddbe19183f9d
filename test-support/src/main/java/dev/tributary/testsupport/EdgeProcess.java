package dev.tributary.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged mqtt-edge as its own process on free ports, with its limits raised so that what is
 * measured or tested is the broker, not its safety valves; $SYS and the downlink off. Without
 * Kafka it is a plain broker (mirror off); with {@link Builder#mirrorTo} it mirrors there; with
 * {@link Builder#authFrom} it decides CONNECTs from that auth topic (anonymous access off),
 * otherwise anyone may connect, as Mosquitto is configured next to it in the benchmark.
 */
public final class EdgeProcess implements AutoCloseable {

    private final ServiceProcess process;
    private final int port;
    private final int httpPort;
    private final int webSocketPort;
    private final String nodeId;

    private EdgeProcess(ServiceProcess process, int port, int httpPort, int webSocketPort, String nodeId) {
        this.process = process;
        this.port = port;
        this.httpPort = httpPort;
        this.webSocketPort = webSocketPort;
        this.nodeId = nodeId;
    }

    /** What to start: the repository at {@code root}, logs in {@code work}/tributary.log. */
    public static Builder builder(Path root, Path work) {
        return new Builder(root, work);
    }

    /** A plain broker: no Kafka, no authentication. */
    public static EdgeProcess start(Path root, Path work) throws IOException {
        return builder(root, work).start();
    }

    public static final class Builder {

        private final Path root;
        private final Path work;
        private String kafka;
        private String authTopic;
        private List<String> jvmOptions;
        private final Map<String, String> settings = new HashMap<>();

        private Builder(Path root, Path work) {
            this.root = root;
            this.work = work;
        }

        /** Mirrors to the Kafka at {@code bootstrapServers}. */
        public Builder mirrorTo(String bootstrapServers) {
            this.kafka = bootstrapServers;
            return this;
        }

        /** Authentication on, from the auth topic {@code topic} of the Kafka at {@code bootstrapServers} (also mirrored to). */
        public Builder authFrom(String bootstrapServers, String topic) {
            this.kafka = bootstrapServers;
            this.authTopic = topic;
            return this;
        }

        /** Further environment variables of the edge, e.g. {@code TRIBUTARY_EDGE_AUTH_TOKEN_CLOCK_SKEW}. */
        public Builder settings(Map<String, String> more) {
            settings.putAll(more);
            return this;
        }

        /** Replaces the JVM options of mqtt-edge/jvm.options (what ./tributary up uses), e.g. for NMT or GC logs. */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = options;
            return this;
        }

        public EdgeProcess start() throws IOException {
            int port = ServiceProcess.freePort();
            int httpPort = ServiceProcess.freePort();
            int webSocketPort = ServiceProcess.freePort();
            List<String> options = new ArrayList<>(List.of("-Xmx2g"));
            options.addAll(jvmOptions != null ? jvmOptions : EdgeProcess.jvmOptions(root));
            ProcessBuilder command = ServiceProcess.quarkusApp(root, "mqtt-edge", options);
            Map<String, String> env = command.environment();
            env.put("TRIBUTARY_EDGE_MQTT_PORT", Integer.toString(port));
            env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
            env.put("TRIBUTARY_EDGE_WEBSOCKET_PORT", Integer.toString(webSocketPort));
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_CONNECTIONS", "19000");
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_INFLIGHT", "65000");
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_MESSAGES", "10000000");
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_OUTBOUND_BUFFER", Integer.toString(512 * 1024 * 1024));
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_OUTBOUND_BUFFER_DISCONNECT", Long.toString(1024L * 1024 * 1024));
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_BYTES", Long.toString(1024L * 1024 * 1024));
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_BYTES_TOTAL", Long.toString(1024L * 1024 * 1024));
            env.put("TRIBUTARY_EDGE_LIMITS_MAX_SUBSCRIPTIONS_PER_SESSION", "100000");
            env.put("TRIBUTARY_EDGE_SYS_INTERVAL", "0s");
            env.put("TRIBUTARY_EDGE_DOWNLINK_ENABLED", "false");
            if (authTopic == null) {
                env.put("TRIBUTARY_EDGE_AUTH_ENABLED", "false");
                env.put("TRIBUTARY_EDGE_MQTT_ALLOW_ANONYMOUS", "true");
            } else {
                env.put("TRIBUTARY_EDGE_AUTH_TOPIC", authTopic);
            }
            // edges that share a Kafka form one broker and must have distinct node ids
            env.put("TRIBUTARY_EDGE_NODE_ID", "edge-" + port);
            if (kafka == null) {
                env.put("TRIBUTARY_EDGE_CLUSTER_ENABLED", "false");
                env.put("TRIBUTARY_EDGE_MIRROR_ENABLED", "false");
                env.put("TRIBUTARY_EDGE_MIRROR_TOPICS_CREATE", "false");
                env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
            } else {
                env.put("TRIBUTARY_EDGE_MIRROR_MAX_QOS0_PENDING", "1000000");
                env.put("TRIBUTARY_EDGE_MIRROR_MAX_PENDING_BYTES", Long.toString(1024L * 1024 * 1024));
                env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
            }
            env.putAll(settings);
            // with Kafka, CONNECT is answered 3 until the edge has read the state the edges share
            ServiceProcess.Readiness readiness = kafka == null ? ServiceProcess.Readiness.portOpen(port)
                    : ServiceProcess.Readiness.portOpenAndCheckUp(port,
                            java.net.URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"), "cluster-state");
            ServiceProcess process = ServiceProcess.start("mqtt-edge", command, work.resolve("tributary.log"), readiness);
            return new EdgeProcess(process, port, httpPort, webSocketPort, env.get("TRIBUTARY_EDGE_NODE_ID"));
        }
    }

    /** The JVM options {@code ./tributary up} runs the edge with: mqtt-edge/jvm.options without comments. */
    public static List<String> jvmOptions(Path root) {
        try {
            return Files.readAllLines(root.resolve("mqtt-edge/jvm.options")).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The MQTT (TCP) port. */
    public int port() {
        return port;
    }

    /** The HTTP port: health, /q/metrics. */
    public int httpPort() {
        return httpPort;
    }

    /** The MQTT-over-WebSocket port (path /mqtt). */
    public int webSocketPort() {
        return webSocketPort;
    }

    /** Its node id ({@code tributary.edge.node-id}): {@code edge-<MQTT port>} unless the settings name another. */
    public String nodeId() {
        return nodeId;
    }

    public ServiceProcess process() {
        return process;
    }

    /**
     * The sum of the edge's Prometheus samples named {@code name} (e.g. {@code tributary_limits_exceeded_total})
     * whose labels contain {@code labels} (e.g. {@code limit="retained.max-messages"}; empty for all); 0 when none.
     */
    public double metric(String name, String labels) {
        try (var in = java.net.URI.create("http://127.0.0.1:" + httpPort + "/q/metrics").toURL().openStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && l.contains(labels))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of live objects on the edge's heap ({@link ProcessMemory#liveHeapBytes}: garbage is collected first). */
    public long liveHeapBytes() {
        return ProcessMemory.liveHeapBytes(process.pid());
    }

    /** Stops the edge and starts it again on the same ports, as an operator's restart would. */
    public void restart() throws IOException {
        process.restart();
    }

    /** Kills the edge at once (SIGKILL), as a crash would: no DISCONNECT, no clean-up in Kafka. */
    public void kill() {
        process.kill();
    }

    /** Starts the stopped or killed edge again on the same ports and node id; returns once it is ready. */
    public void startAgain() throws IOException {
        process.startAgain();
    }

    /** Stops the edge cleanly (SIGTERM, SIGKILL if it has not ended after 15 s). */
    @Override
    public void close() {
        process.close();
    }
}
