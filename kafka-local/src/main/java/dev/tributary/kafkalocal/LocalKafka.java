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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running as a
 * child JVM. It keeps its data in one directory, so it can be stopped and started again with
 * its data intact, killed, or paused (SIGSTOP) to look like a broker that hangs: the faults the
 * edge's delivery guarantee is tested against. Used by the tests, the benchmarks and {@code ./tributary up}.
 *
 * <p>Started with a super user ({@link #secured}), its client port speaks SASL_PLAINTEXT with
 * SCRAM-SHA-256 only and every request is checked against Kafka ACLs (the KRaft
 * {@code StandardAuthorizer}, deny when no ACL matches): the shape of a secured production cluster.
 * The super user's SCRAM credentials are written into the storage when it is formatted; further
 * users and their ACLs are added with {@link #createUser} and {@link #addAcls}. The KRaft controller
 * port takes SASL/PLAIN as the super user only, so nothing reaches the metadata without the password.
 * Its data directory is created readable by its owner only.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String heap;
    /** The super user of a secured broker; null: a plain broker anyone may use. */
    private final ScramCredentials superUser;
    /** This node's id and the KRaft quorum it votes in; a single broker is a quorum of one. */
    private final int nodeId;
    private final Quorum quorum;
    private volatile Process process;
    private final Thread reaper = new Thread(this::kill, "local-kafka-reaper");

    /**
     * @param dataDir where the broker keeps its logs, config and console output
     * @param port the client port on 127.0.0.1, or 0 to pick a free one (kept across restarts)
     * @param controllerPort the KRaft controller port, or 0 to pick a free one
     * @param heap the broker JVM's heap (-Xms and -Xmx), e.g. "512m"
     */
    public LocalKafka(Path dataDir, int port, int controllerPort, String heap) {
        this(dataDir, port, controllerPort, heap, (ScramCredentials) null);
    }

    private LocalKafka(Path dataDir, int port, int controllerPort, String heap, ScramCredentials superUser) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = controllerPort == 0 ? freePort() : controllerPort;
        this.heap = heap;
        this.superUser = superUser;
        this.nodeId = 1;
        this.quorum = Quorum.single(this.controllerPort);
    }

    /** Node {@code nodeId} of a {@link LocalKafkaCluster}: its ports were chosen by the cluster. */
    LocalKafka(Path dataDir, int nodeId, int port, String heap, Quorum quorum) {
        this.dataDir = dataDir.toAbsolutePath();
        this.nodeId = nodeId;
        this.port = port;
        this.controllerPort = quorum.controllerPort(nodeId);
        this.heap = heap;
        this.superUser = null;
        this.quorum = quorum;
    }

    /**
     * A broker whose clients must log in with SASL/SCRAM-SHA-256 and are held to Kafka ACLs;
     * {@code superUser} may do everything. The other parameters are those of the plain constructor.
     * A data directory formatted without SASL keeps no super user: start secured ones from a new directory.
     */
    public static LocalKafka secured(Path dataDir, int port, int controllerPort, String heap, ScramCredentials superUser) {
        if (superUser == null) {
            throw new IllegalArgumentException("a secured broker needs a super user");
        }
        return new LocalKafka(dataDir, port, controllerPort, heap, superUser);
    }

    /** A broker on free ports, for tests. */
    public static LocalKafka onFreePorts(Path dataDir) {
        return new LocalKafka(dataDir, 0, 0, "512m");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The ports this broker binds on 127.0.0.1: its client port and its KRaft controller port. */
    public List<Integer> ports() {
        return List.of(port, controllerPort);
    }

    /** Whether clients must log in (SASL/SCRAM) and are held to ACLs. */
    public boolean isSecured() {
        return superUser != null;
    }

    /** The bootstrap servers and, on a secured broker, the super user's login: what an admin client needs. */
    public Map<String, Object> adminConfig() {
        return superUser == null ? clientConfig(Map.of()) : clientConfig(superUser);
    }

    /** The bootstrap servers and {@code user}'s SASL/SCRAM login, for a client of a secured broker. */
    public Map<String, Object> clientConfig(ScramCredentials user) {
        return clientConfig(user.clientConfig());
    }

    private Map<String, Object> clientConfig(Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /**
     * Creates or updates the SCRAM-SHA-256 credentials of {@code user} on this (secured, running) broker
     * and returns once the broker accepts logins with them.
     */
    public void createUser(ScramCredentials user) {
        requireSecured();
        try (Admin admin = Admin.create(adminConfig())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user.username(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), user.password())))
                    .all().get(30, TimeUnit.SECONDS);
            // the controller has it; logins are checked by the broker, which learns it from the metadata log
            awaitTrue("the SCRAM user " + user.username(), () -> {
                try {
                    admin.describeUserScramCredentials(List.of(user.username())).description(user.username())
                            .get(5, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException notYet) {
                    return false;
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("could not create the Kafka user " + user.username() + ": " + e, e);
        }
    }

    /** Adds {@code acls} on this (secured, running) broker and returns once the broker enforces all of them. */
    public void addAcls(Collection<AclBinding> acls) {
        requireSecured();
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            for (AclBinding acl : acls) {
                awaitTrue("the ACL " + acl, () -> !admin.describeAcls(acl.toFilter()).values()
                        .get(5, TimeUnit.SECONDS).isEmpty());
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not add Kafka ACLs: " + e, e);
        }
    }

    private void requireSecured() {
        if (superUser == null) {
            throw new IllegalStateException("a plain broker has no users or ACLs: start it with LocalKafka.secured");
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean passes() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.passes()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not reach the broker within 30 s");
            }
            sleep(50);
        }
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
        launch();
        awaitReady();
    }

    /**
     * Formats the storage on first use and starts the broker's JVM without waiting for it: the nodes of
     * a cluster are launched side by side, since none is ready before a majority of the quorum runs.
     */
    synchronized void launch() {
        if (isRunning()) {
            return;
        }
        try {
            createOwnerOnly(dataDir);
            Path config = writeConfig();
            if (!Files.exists(logDir().resolve("meta.properties"))) {
                format(config);
            }
            ProcessBuilder builder = new ProcessBuilder(javaCommand(
                    "kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console().toFile()));
            process = builder.start();
            registerReaper();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka in " + dataDir, e);
        }
    }

    private Path console() {
        return dataDir.resolve("kafka.log");
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

    /**
     * Creates {@code dir} readable by its owner only (Kafka's logs and, on a secured broker, its
     * config with the super user's password). A directory that exists already is left as it is.
     */
    private static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectory(dir);
        }
    }

    private Path writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", quorum.voters());
        p.setProperty("controller.listener.names", "CONTROLLER");
        if (superUser == null) {
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            secure(p);
        }
        p.setProperty("log.dirs", logDir().toString());
        quorum.replicationSettings().forEach(p::setProperty);
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        Path config = dataDir.resolve("server.properties");
        Files.deleteIfExists(config);
        createOwnerOnlyFile(config);
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "written by Tributary LocalKafka on every start");
        }
        Path log4j = dataDir.resolve("log4j2.properties");
        try (InputStream in = LocalKafka.class.getResourceAsStream("log4j2.properties")) {
            Files.write(log4j, in.readAllBytes());
        }
        return config;
    }

    /**
     * SASL_PLAINTEXT with SCRAM-SHA-256 for clients; SASL/PLAIN for the controller port, whose one
     * user is the super user (SCRAM users live in the metadata log, which the controller serves, so
     * the controller cannot check SCRAM itself); the StandardAuthorizer with the super user.
     */
    private void secure(Properties p) {
        String user = superUser.username();
        String password = superUser.password();
        p.setProperty("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.setProperty("sasl.enabled.mechanisms", ScramCredentials.MECHANISM);
        p.setProperty("sasl.mechanism.inter.broker.protocol", ScramCredentials.MECHANISM);
        p.setProperty("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", superUser.jaasConfig());
        p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\" user_" + user + "=\"" + password + "\";");
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("super.users", superUser.principal());
        p.setProperty("allow.everyone.if.no.acl.found", "false");
    }

    private static void createOwnerOnlyFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }

    private void format(Path config) throws IOException {
        Path console = dataDir.resolve("kafka-format.log");
        createOwnerOnly(logDir());
        // the nodes of one cluster share its id; a single broker gets a new one
        String clusterId = quorum.clusterId() != null ? quorum.clusterId() : Uuid.randomUuid().toString();
        List<String> command = new ArrayList<>(javaCommand("kafka.tools.StorageTool",
                "format", "-t", clusterId, "-c", config.toString()));
        Path argFile = null;
        if (superUser != null) {
            command.addAll(List.of("--add-scram", ScramCredentials.MECHANISM + "=[name=" + superUser.username()
                    + ",password=" + superUser.password() + "]"));
            // the java launcher reads its arguments from a file, so the password never shows in ps
            argFile = dataDir.resolve("kafka-format.args");
            Files.deleteIfExists(argFile);
            createOwnerOnlyFile(argFile);
            Files.write(argFile, command.subList(1, command.size()).stream().map(LocalKafka::quoted).toList(),
                    StandardCharsets.UTF_8);
            command = List.of(command.get(0), "@" + argFile);
        }
        Process format;
        try {
            format = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .start();
        } catch (IOException e) {
            deleteQuietly(argFile);
            throw e;
        }
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                Processes.kill(format);
                throw new IllegalStateException("formatting Kafka storage failed:\n" + Files.readString(console));
            }
        } catch (InterruptedException e) {
            Processes.kill(format);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        } finally {
            deleteQuietly(argFile);
        }
    }

    /** One argument of a java launcher argument file, quoted so that spaces stay inside it. */
    private static String quoted(String argument) {
        return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing more to do: it sits in the owner-only data directory
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

    /** Returns once the broker launched by {@link #launch()} serves clients; kills it if it does not in time. */
    void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException("Kafka exited during start-up:\n" + tail(console()));
            }
            if (portOpen() && clusterAnswers()) {
                return;
            }
            sleep(250);
        }
        kill();
        throw new IllegalStateException("Kafka did not become ready within " + READY_TIMEOUT + ":\n" + tail(console()));
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
        Map<String, Object> config = adminConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
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

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
