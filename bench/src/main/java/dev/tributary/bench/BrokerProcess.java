package dev.tributary.fleet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A broker under test, run as its own process so its memory and CPU can be read from /proc. */
public final class BrokerProcess implements AutoCloseable {

    /** System property that replaces the edge's JVM options in a benchmark run (NMT, GC logs, JFR). */
    static final String EDGE_JVM_OPTIONS = "tributary.bench.edge-jvm-options";
    /** Longer than the 5 s after which HotSpot hands a compiler's freed working memory back to the C heap. */
    private static final int QUIET_SECONDS = 6;
    private static final int QUIET_LIMIT_SECONDS = 120;

    private final String name;
    private final ProcessBuilder command;
    private Process process;
    private final int port;
    private final int httpPort;
    private final int webSocketPort;

    private BrokerProcess(String name, ProcessBuilder command, Process process, int port, int httpPort,
            int webSocketPort) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.port = port;
        this.httpPort = httpPort;
        this.webSocketPort = webSocketPort;
    }

    /** The packaged mqtt-edge, with the limits raised so it is measured, not its safety valves. */
    public static BrokerProcess tributary(Path root, Path work) throws IOException {
        return tributary(root, work, null);
    }

    /** As {@link #tributary(Path, Path)}, mirroring to the Kafka at {@code kafka} when it is not null. */
    static BrokerProcess tributary(Path root, Path work, String kafka) throws IOException {
        return tributary(root, work, kafka, null, Map.of());
    }

    /**
     * The packaged mqtt-edge with authentication on, deciding from the auth topic {@code authTopic} of the
     * Kafka at {@code kafka} (anonymous access off), and mirroring there. {@code settings} are further
     * environment variables of the edge (e.g. {@code TRIBUTARY_EDGE_AUTH_TOKEN_CLOCK_SKEW}).
     */
    public static BrokerProcess tributaryWithAuth(Path root, Path work, String kafka, String authTopic,
            Map<String, String> settings) throws IOException {
        return tributary(root, work, kafka, authTopic, settings);
    }

    private static BrokerProcess tributary(Path root, Path work, String kafka, String authTopic,
            Map<String, String> settings) throws IOException {
        Path jar = root.resolve("mqtt-edge/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./tributary build first");
        }
        int port = freePort();
        int httpPort = freePort();
        int webSocketPort = freePort();
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx2g"));
        // as ./tributary up runs it, unless replaced, e.g. -Dtributary.bench.edge-jvm-options="-XX:+UseParallelGC"
        String replaced = System.getProperty(EDGE_JVM_OPTIONS);
        command.addAll(replaced != null ? List.of(replaced.strip().split("\\s+")) : edgeJvmOptions(root));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                // appended, so a restart adds to the log instead of replacing it
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("tributary.log").toFile()));
        var env = builder.environment();
        env.put("TRIBUTARY_EDGE_MQTT_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("TRIBUTARY_EDGE_WEBSOCKET_PORT", Integer.toString(webSocketPort));
        env.put("TRIBUTARY_EDGE_LIMITS_MAX_CONNECTIONS", "19000");
        env.put("TRIBUTARY_EDGE_LIMITS_MAX_INFLIGHT", "65000");
        env.put("TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_MESSAGES", "10000000");
        env.put("TRIBUTARY_EDGE_LIMITS_MAX_OUTBOUND_BUFFER", Integer.toString(512 * 1024 * 1024));
        env.put("TRIBUTARY_EDGE_SYS_INTERVAL", "0s");
        env.put("TRIBUTARY_EDGE_DOWNLINK_ENABLED", "false");
        if (authTopic == null) {
            // a plain broker, as Mosquitto is configured next to it: anyone may connect
            env.put("TRIBUTARY_EDGE_AUTH_ENABLED", "false");
            env.put("TRIBUTARY_EDGE_MQTT_ALLOW_ANONYMOUS", "true");
        } else {
            env.put("TRIBUTARY_EDGE_AUTH_TOPIC", authTopic);
        }
        env.putAll(settings);
        if (kafka == null) {
            env.put("TRIBUTARY_EDGE_MIRROR_ENABLED", "false");
            env.put("TRIBUTARY_EDGE_MIRROR_TOPICS_CREATE", "false");
            env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
        } else {
            env.put("TRIBUTARY_EDGE_MIRROR_MAX_QOS0_PENDING", "1000000");
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        }
        return new BrokerProcess("tributary", builder, awaitPort("tributary", builder.start(), port), port, httpPort,
                webSocketPort);
    }

    /** Debian's Mosquitto, configured as the issue asks: no artificial limits. */
    static BrokerProcess mosquitto(Path work) throws IOException {
        Path binary = Path.of("/usr/sbin/mosquitto");
        if (!Files.exists(binary)) {
            throw new IllegalStateException("Mosquitto is not installed: apt-get install mosquitto");
        }
        int port = freePort();
        Path config = work.resolve("mosquitto.conf");
        Files.write(config, List.of(
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "set_tcp_nodelay true",
                "max_inflight_messages 0",
                "max_queued_messages 0",
                "max_connections -1",
                "log_type error"));
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("mosquitto.log").toFile());
        return new BrokerProcess("mosquitto", builder, awaitPort("mosquitto", builder.start(), port), port, 0, 0);
    }

    /** Stops the broker and starts it again with the same command and ports, as an operator's restart would. */
    public void restart() throws IOException {
        close();
        process = awaitPort(name, command.start(), port);
    }

    private static Process awaitPort(String name, Process process, int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return process;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not open port " + port);
    }

    String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The MQTT-over-WebSocket port (path /mqtt) of a Tributary edge; 0 for other brokers. */
    public int webSocketPort() {
        return webSocketPort;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory in KiB, from /proc. */
    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    /** CPU seconds (user + system) used so far, from /proc/PID/stat. */
    double cpuSeconds() {
        return cpu().totalSeconds();
    }

    ProcessCpu cpu() {
        return ProcessCpu.of(process.pid());
    }

    /** The value of one Prometheus sample of a JVM broker, e.g. {@code kafka_producer_records_per_request_avg}; NaN if absent. */
    double metric(String sample) {
        try (var in = java.net.URI.create("http://127.0.0.1:" + httpPort + "/q/metrics").toURL().openStream()) {
            return new String(in.readAllBytes()).lines().filter(l -> l.startsWith(sample + "{") || l.startsWith(sample + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker's own count of messages it did not deliver, by reason (Tributary's metrics); empty otherwise. */
    String droppedCounters() {
        if (httpPort == 0) {
            return "";
        }
        try (var in = java.net.URI.create("http://127.0.0.1:" + httpPort + "/q/metrics").toURL().openStream()) {
            StringBuilder out = new StringBuilder();
            new String(in.readAllBytes()).lines().filter(l -> l.startsWith("tributary_mqtt_messages_dropped_total"))
                    .forEach(l -> out.append(l.replaceAll("tributary_mqtt_messages_dropped_total\\{reason=\"([a-z0-9_]+)\".*\\} ", "$1="))
                            .append(' '));
            return out.toString().trim();
        } catch (IOException e) {
            return "(metrics unavailable: " + e.getMessage() + ")";
        }
    }

    boolean isJvm() {
        return name.equals("tributary");
    }

    /**
     * Brings a JVM broker to rest before its resident memory is read, so that what is read is what
     * the broker holds, not what it is busy with: it collects garbage, waits until the JIT compiler
     * has been quiet for {@value #QUIET_SECONDS} s, then returns the C heap's free memory to the
     * system. A connect storm sets the compiler to work for seconds after the last connect, and
     * its working memory (HotSpot's arena chunks: +14.7 MB in one round, -10 MB in another) is
     * handed back to the C heap only by a cleaner that runs every 5 s; without the trim, glibc keeps
     * it resident anyway (19 MB in one run). Read mid-compilation, that one-time cost was charged to
     * the connections, more or less of it by chance: single rounds ranged from 0.8 to 3.4 KB per
     * connection with the same live heap. Returns the seconds waited for the compiler.
     */
    double settle() {
        if (!isJvm()) {
            sleep(1_000);
            return 0;
        }
        jcmd("GC.run");
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(QUIET_LIMIT_SECONDS);
        double jit = cpu().jitSeconds();
        int quiet = 0;
        while (quiet < QUIET_SECONDS && System.nanoTime() < deadline) {
            sleep(1_000);
            double now = cpu().jitSeconds();
            quiet = now == jit ? quiet + 1 : 0;
            jit = now;
        }
        jcmd("System.trim_native_heap");
        sleep(1_000);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Bytes of live objects on a JVM broker's heap (a class histogram forces a full GC first); -1 otherwise. */
    long liveHeapBytes() {
        if (!isJvm()) {
            return -1;
        }
        String histogram = jcmd("GC.class_histogram");
        for (String line : histogram.split("\n")) {
            if (line.startsWith("Total")) {
                String[] fields = line.trim().split("\\s+");
                return Long.parseLong(fields[2]);
            }
        }
        throw new IllegalStateException("no heap total in:\n" + histogram);
    }

    String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), command).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> edgeJvmOptions(Path root) throws IOException {
        return Files.readAllLines(root.resolve("mqtt-edge/jvm.options")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
