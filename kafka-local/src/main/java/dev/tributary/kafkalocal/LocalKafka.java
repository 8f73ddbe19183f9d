package dev.tributary.kafkalocal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running as a
 * child JVM. It keeps its data in one directory, so it can be stopped and started again with
 * its data intact, killed, or paused (SIGSTOP) to look like a broker that hangs: the faults the
 * edge's delivery guarantee is tested against. Used by the tests, the benchmarks and {@code ./tributary up}.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String heap;
    private volatile Process process;
    private final Thread reaper = new Thread(this::kill, "local-kafka-reaper");

    /**
     * @param dataDir where the broker keeps its logs, config and console output
     * @param port the client port on 127.0.0.1, or 0 to pick a free one (kept across restarts)
     * @param controllerPort the KRaft controller port, or 0 to pick a free one
     * @param heap the broker JVM's heap (-Xms and -Xmx), e.g. "512m"
     */
    public LocalKafka(Path dataDir, int port, int controllerPort, String heap) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = controllerPort == 0 ? freePort() : controllerPort;
        this.heap = heap;
    }

    /** A broker on free ports, for tests. */
    public static LocalKafka onFreePorts(Path dataDir) {
        return new LocalKafka(dataDir, 0, 0, "512m");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("Kafka is not running");
        }
        return p.pid();
    }

    /** Starts the broker (formatting its storage on first use) and returns once it serves clients. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Path config = writeConfig();
            if (!Files.exists(logDir().resolve("meta.properties"))) {
                format(config);
            }
            Path console = dataDir.resolve("kafka.log");
            ProcessBuilder builder = new ProcessBuilder(javaCommand(
                    "kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
            process = builder.start();
            registerReaper();
            awaitReady(console);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka in " + dataDir, e);
        }
    }

    /** Graceful shutdown (SIGTERM, the broker's controlled shutdown), forcibly after a timeout. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        resume();
        Processes.stop(p, STOP_TIMEOUT);
        process = null;
        unregisterReaper();
    }

    /** Kills the broker at once (SIGKILL), as a crash would. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        Processes.kill(p);
        process = null;
        unregisterReaper();
    }

    /** Freezes the broker (SIGSTOP): its sockets stay open but nothing is answered. */
    public void pause() {
        signal("STOP");
    }

    /** Undoes {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private void signal(String name) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path logDir() {
        return dataDir.resolve("kraft-logs");
    }

    private Path writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir().toString());
        // one node: every internal topic has a single replica
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "written by Tributary LocalKafka on every start");
        }
        Path log4j = dataDir.resolve("log4j2.properties");
        try (InputStream in = LocalKafka.class.getResourceAsStream("log4j2.properties")) {
            Files.write(log4j, in.readAllBytes());
        }
        return config;
    }

    private void format(Path config) throws IOException {
        Path console = dataDir.resolve("kafka-format.log");
        Process format = new ProcessBuilder(javaCommand("kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                Processes.kill(format);
                throw new IllegalStateException("formatting Kafka storage failed:\n" + Files.readString(console));
            }
        } catch (InterruptedException e) {
            Processes.kill(format);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Kafka's own start scripts' heap (KAFKA_HEAP_OPTS: the whole heap from the start) and GC
        // settings (KAFKA_JVM_PERFORMANCE_OPTS): short pauses, as the brokers of a real cluster run.
        // A heap that starts small collects its young generation several times a second under load,
        // and every pause holds back the acknowledgements in flight.
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-XX:+UseG1GC");
        command.add("-XX:MaxGCPauseMillis=20");
        command.add("-XX:InitiatingHeapOccupancyPercent=35");
        command.add("-XX:+ExplicitGCInvokesConcurrent");
        command.add("-Djava.awt.headless=true");
        // for experiments, e.g. -Dtributary.kafka.jvm-options="-Xlog:gc:file=/tmp/kafka-gc.log"
        String extra = System.getProperty("tributary.kafka.jvm-options");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.add("-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.properties"));
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private void awaitReady(Path console) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException("Kafka exited during start-up:\n" + tail(console));
            }
            if (portOpen() && clusterAnswers()) {
                return;
            }
            sleep(250);
        }
        kill();
        throw new IllegalStateException("Kafka did not become ready within " + READY_TIMEOUT + ":\n" + tail(console));
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean clusterAnswers() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    static String classpath() {
        Path libs = libsDir();
        try (Stream<Path> jars = Files.list(libs)) {
            String cp = jars.filter(j -> j.toString().endsWith(".jar")).sorted()
                    .map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
            if (cp.isEmpty()) {
                throw new IllegalStateException("no Kafka jars in " + libs + ": build kafka-local first");
            }
            return cp;
        } catch (IOException e) {
            throw new IllegalStateException("no Kafka jars at " + libs + ": build kafka-local first", e);
        }
    }

    /** The broker's jars: -Dtributary.kafka.libs, else where the build copied them. */
    static Path libsDir() {
        String override = System.getProperty("tributary.kafka.libs", System.getenv("TRIBUTARY_KAFKA_LIBS"));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Properties props = new Properties();
        try (InputStream in = LocalKafka.class.getResourceAsStream("kafka-local.properties")) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(props.getProperty("libs.dir"));
    }

    private void registerReaper() {
        try {
            Runtime.getRuntime().addShutdownHook(reaper);
        } catch (IllegalArgumentException alreadyRegistered) {
            // restarted: the hook is still there
        }
    }

    private void unregisterReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook is what called us
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
