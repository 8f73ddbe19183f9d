package dev.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ProcessMemory;
import dev.tributary.testsupport.ServiceProcess;

/**
 * A broker under measurement, run as its own process (test-support's {@link ServiceProcess}) so its
 * memory and CPU can be read from /proc: Tributary's packaged mqtt-edge ({@link EdgeProcess}) or
 * Debian's Mosquitto.
 */
final class BrokerProcess implements AutoCloseable {

    /** System property that replaces the edge's JVM options in a benchmark run (NMT, GC logs, JFR). */
    static final String EDGE_JVM_OPTIONS = "tributary.bench.edge-jvm-options";
    /** Longer than the 5 s after which HotSpot hands a compiler's freed working memory back to the C heap. */
    private static final int QUIET_SECONDS = 6;
    private static final int QUIET_LIMIT_SECONDS = 120;

    private final String name;
    private final ServiceProcess process;
    private final int port;
    private final int httpPort;
    private final String nodeId;

    private BrokerProcess(String name, ServiceProcess process, int port, int httpPort, String nodeId) {
        this.nodeId = nodeId;
        this.name = name;
        this.process = process;
        this.port = port;
        this.httpPort = httpPort;
    }

    /** The packaged mqtt-edge, mirroring to the Kafka at {@code kafka} when it is not null. */
    static BrokerProcess tributary(Path root, Path work, String kafka) throws IOException {
        EdgeProcess.Builder edge = EdgeProcess.builder(root, work);
        if (kafka != null) {
            edge.mirrorTo(kafka);
        }
        return tributary(edge);
    }

    /**
     * The packaged mqtt-edge with authentication on, deciding from the auth topic {@code authTopic} of the
     * Kafka at {@code kafka}, and mirroring there; {@code settings} are further environment variables.
     */
    static BrokerProcess tributaryWithAuth(Path root, Path work, String kafka, String authTopic,
            Map<String, String> settings) throws IOException {
        return tributary(EdgeProcess.builder(root, work).authFrom(kafka, authTopic).settings(settings));
    }

    /** The packaged mqtt-edge as {@code edge} describes it, with the JVM options of this benchmark run. */
    static BrokerProcess tributary(EdgeProcess.Builder edge) throws IOException {
        // as ./tributary up runs it, unless replaced, e.g. -Dtributary.bench.edge-jvm-options="-XX:+UseParallelGC"
        String replaced = System.getProperty(EDGE_JVM_OPTIONS);
        if (replaced != null) {
            edge.jvmOptions(List.of(replaced.strip().split("\\s+")));
        }
        EdgeProcess started = edge.start();
        return new BrokerProcess("tributary", started.process(), started.port(), started.httpPort(),
                started.nodeId());
    }

    /** Debian's Mosquitto, configured as the issue asks: no artificial limits. */
    static BrokerProcess mosquitto(Path work) throws IOException {
        Path binary = Path.of("/usr/sbin/mosquitto");
        if (!Files.exists(binary)) {
            throw new IllegalStateException("Mosquitto is not installed: apt-get install mosquitto");
        }
        int port = ServiceProcess.freePort();
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
        ServiceProcess process = ServiceProcess.start("mosquitto",
                new ProcessBuilder(binary.toString(), "-c", config.toString()), work.resolve("mosquitto.log"),
                ServiceProcess.Readiness.portOpen(port));
        return new BrokerProcess("mosquitto", process, port, 0, null);
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    /** The edge's node id (its inbox topic's name ends with it); null for Mosquitto. */
    String nodeId() {
        return nodeId;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory in KiB, from /proc. */
    long rssKib() {
        long kib = ProcessMemory.rssKib(process.pid());
        if (kib < 0) {
            throw new IllegalStateException("no VmRSS for " + name);
        }
        return kib;
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
            ServiceProcess.sleep(1_000);
            return 0;
        }
        jcmd("GC.run");
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(QUIET_LIMIT_SECONDS);
        double jit = cpu().jitSeconds();
        int quiet = 0;
        while (quiet < QUIET_SECONDS && System.nanoTime() < deadline) {
            ServiceProcess.sleep(1_000);
            double now = cpu().jitSeconds();
            quiet = now == jit ? quiet + 1 : 0;
            jit = now;
        }
        jcmd("System.trim_native_heap");
        ServiceProcess.sleep(1_000);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Bytes of live objects on a JVM broker's heap (a class histogram forces a full GC first); -1 otherwise. */
    long liveHeapBytes() {
        return isJvm() ? ProcessMemory.liveHeapBytes(process.pid()) : -1;
    }

    String jcmd(String command) {
        return ProcessMemory.jcmd(process.pid(), command);
    }

    @Override
    public void close() {
        process.close();
    }
}
