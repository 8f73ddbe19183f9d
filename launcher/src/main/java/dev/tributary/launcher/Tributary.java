package dev.tributary.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.LocalKafkaCluster;
import dev.tributary.kafkalocal.Processes;
import sun.misc.Signal;

/**
 * {@code ./tributary up}: the whole platform on one machine. Starts a real Kafka broker, or a
 * three-broker cluster with {@code --kafka-brokers 3} (unless KAFKA_BOOTSTRAP_SERVERS names one),
 * and every service as child processes, with {@code --edges N} edge nodes on ports of their own
 * ({@link EdgePorts}), waits until each reports ready, starts a simulated fleet spread over the
 * edges, prints the addresses, and on Ctrl-C stops them all: the fleet, then the services, Kafka last.
 */
public final class Tributary {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** The heap of each Kafka broker: one broker serves everything alone, three share the load. */
    private static final String SINGLE_BROKER_HEAP = "1g";
    private static final String CLUSTER_BROKER_HEAP = "512m";

    private final Path root;
    private final Path data;
    private final UpOptions options;
    private final List<Service> platform;
    private final LocalTls tls;
    private final List<Process> services = new ArrayList<>();
    private LocalKafkaCluster kafka;
    private Process fleet;
    /** Set by the shutdown hook: start() launches nothing more from then on. */
    private volatile boolean stopping;

    Tributary(Path root, Path data, UpOptions options) {
        this.root = root;
        this.data = data;
        this.options = options;
        this.platform = Service.platform(options.edges());
        this.tls = new LocalTls(data.resolve("tls"));
    }

    public static void main(String[] args) throws Exception {
        UpOptions options;
        try {
            options = UpOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath().normalize();
        String dataEnv = System.getenv("TRIBUTARY_DATA");
        Path data = dataEnv == null || dataEnv.isBlank() ? root.resolve("data") : Path.of(dataEnv).toAbsolutePath();
        Tributary platform = new Tributary(root, data, options);
        // Ctrl-C exits through the shutdown hook below. A non-interactive shell starts background jobs
        // with SIGINT ignored, and HotSpot then keeps it ignored (handle() returns SIG_IGN and installs
        // nothing): such a run is stopped with SIGTERM (plain `kill`), which always runs the hook.
        if (Signal.handle(new Signal("INT"), signal -> System.exit(130)) == sun.misc.SignalHandler.SIG_IGN) {
            say("started with SIGINT ignored (a background job of a script): stop it with kill " + ProcessHandle.current().pid());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.stop();
            stopped.countDown();
        }, "tributary-stop"));
        try {
            platform.start();
        } catch (RuntimeException | IOException e) {
            System.err.println("tributary: " + e.getMessage());
            System.exit(1);
        }
        stopped.await();
    }

    void start() throws IOException {
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        boolean ownKafka = bootstrap != null && !bootstrap.isBlank();
        if (ownKafka && options.kafkaBrokers() != 1) {
            throw new IllegalStateException("--kafka-brokers starts a local cluster, and KAFKA_BOOTSTRAP_SERVERS names one to use: "
                    + "give only one of them");
        }
        // every port first: a busy one stops the start before anything runs
        LocalKafkaCluster localKafka = ownKafka ? null : localKafka();
        if (localKafka != null) {
            for (LocalKafka broker : localKafka.brokers()) {
                broker.ports().forEach(port -> requireFree(port, "Kafka"));
            }
        }
        for (Service service : platform) {
            service.ports().forEach(port -> requireFree(port, service.name()));
        }
        // Kafka's log, credentials, keys and logs: the owner's alone. Only a directory made here is restricted:
        // TRIBUTARY_DATA may name one that others share, whose permissions are not ours to change. LocalKafka
        // makes each broker's data directory owner-only itself, LocalTls data/tls.
        createOwnerOnly(data);
        createOwnerOnly(data.resolve("logs"));
        createOwnerOnly(data.resolve("auth"));
        int replication = 0;
        if (localKafka != null) {
            kafka = localKafka;
            say(options.kafkaBrokers() == 1
                    ? "starting Kafka (KRaft, single node, data in " + data.resolve("kafka") + ")"
                    : "starting Kafka (KRaft, " + options.kafkaBrokers() + " brokers, data in "
                            + kafka.brokers().stream().map(b -> b.dataDir().toString()).collect(Collectors.joining(", ")) + ")");
            kafka.start();
            bootstrap = kafka.bootstrapServers();
            replication = kafka.replicationFactor();
        } else {
            say("using the Kafka cluster at " + bootstrap);
        }
        Path authDir = data.resolve("auth");
        String adminPassword = AuthBootstrap.adminPassword(authDir);
        if (ownCertificate()) {
            say("the edges use the certificate in TRIBUTARY_EDGE_TLS_CERTIFICATE");
        } else {
            tls.ensure(Instant.now(), Tributary::say);
        }
        Service.Settings settings = new Service.Settings(bootstrap, replication,
                ownCertificate() ? null : tls.edgeCertificate(), ownCertificate() ? null : tls.edgeKey(), adminPassword,
                authDir.resolve("token-signing-key.pem"));
        for (Service service : platform) {
            services.add(launch(service, settings));
        }
        for (int i = 0; i < platform.size(); i++) {
            awaitReady(platform.get(i), services.get(i));
        }
        // authentication is on from the first start: the ACL, the vehicles' devices and a dashboard user
        AuthBootstrap auth = new AuthBootstrap("http://127.0.0.1:8082", adminPassword, authDir);
        auth.defaultAcl();
        String operatorPassword = auth.operator();
        int vehicles = fleetSize();
        if (vehicles > 0) {
            say("creating the devices of " + vehicles + " simulated vehicles in auth-service");
            fleet = launchFleet(vehicles, auth.vehicles(vehicles));
        }
        say("");
        say(Service.address("Kafka", bootstrap + (kafka != null && kafka.brokers().size() > 1
                ? "   (" + kafka.brokers().size() + " brokers, replication factor " + replication + ", min.insync.replicas "
                        + kafka.minInSyncReplicas() + ")" : "")));
        platform.forEach(s -> s.addresses().forEach(Tributary::say));
        if (!ownCertificate()) {
            say("TLS clients    trust " + root.relativize(tls.caCertificate()) + ", e.g. mosquitto_sub --cafile "
                    + root.relativize(tls.caCertificate()) + " -h 127.0.0.1 -p 8883 -u " + AuthBootstrap.OPERATOR
                    + " -P " + operatorPassword + " -I " + AuthBootstrap.OPERATOR + "- -t 'fleet/#' -v");
        }
        say("dashboard user " + AuthBootstrap.OPERATOR + " / " + operatorPassword + "   (log in at the dashboard address)");
        say("auth admin     admin / " + adminPassword + "   (HTTP Basic; API docs http://127.0.0.1:8082/q/swagger-ui)");
        say("credentials    kept in " + authDir);
        if (fleet != null) {
            say(Service.address("fleet", vehicles + " simulated vehicles on fleet/<id>/telemetry (TRIBUTARY_FLEET_VEHICLES)"
                    + (options.edges() > 1 ? ", vehicle vi on edge-((i-1) mod " + options.edges() + ")+1" : "")));
        }
        say("logs           " + data.resolve("logs"));
        say("");
        say("Tributary is up. Press Ctrl-C to stop.");
    }

    /** The local Kafka of {@code --kafka-brokers}: one broker keeps its data in data/kafka, a cluster in data/kafka-1…N. */
    private LocalKafkaCluster localKafka() {
        return options.kafkaBrokers() == 1
                ? new LocalKafkaCluster(List.of(data.resolve("kafka")), 9092, SINGLE_BROKER_HEAP)
                : new LocalKafkaCluster(LocalKafkaCluster.dataDirs(data, options.kafkaBrokers()), 9092, CLUSTER_BROKER_HEAP);
    }

    private Process launch(Service service, Service.Settings settings) throws IOException {
        if (stopping) {
            throw new IllegalStateException("stopping");
        }
        Path runner = service.runner(root);
        if (!Files.exists(runner)) {
            throw new IllegalStateException(runner + " is missing: run ./tributary build");
        }
        say("starting " + service.name());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        command.addAll(service.jvmOptions(root));
        command.addAll(List.of("-jar", runner.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("logs").resolve(service.name() + ".log").toFile());
        builder.environment().putAll(service.environment(settings));
        return builder.start();
    }

    /** An operator's own edge certificate, named as the edge's own configuration names it, replaces the local CA's. */
    private static boolean ownCertificate() {
        String own = System.getenv("TRIBUTARY_EDGE_TLS_CERTIFICATE");
        return own != null && !own.isBlank();
    }

    private static int fleetSize() {
        String configured = System.getenv("TRIBUTARY_FLEET_VEHICLES");
        try {
            return configured == null || configured.isBlank() ? 10 : Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("TRIBUTARY_FLEET_VEHICLES must be a number: " + configured);
        }
    }

    /** The simulated fleet, publishing to the local edges once everything is ready: vehicle i to edge ((i-1) mod N)+1. */
    private Process launchFleet(int vehicles, Path credentials) throws IOException {
        if (stopping) {
            throw new IllegalStateException("stopping");
        }
        say("starting a fleet of " + vehicles + " simulated vehicles");
        Path fleetDir = root.resolve("fleet/target");
        String ports = java.util.stream.IntStream.rangeClosed(1, options.edges())
                .mapToObj(k -> Integer.toString(EdgePorts.of(k).mqtt())).collect(Collectors.joining(","));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", fleetDir.resolve("classes") + java.io.File.pathSeparator + fleetDir.resolve("lib") + "/*",
                "dev.tributary.fleet.sim.FleetSimulator", "--vehicles", Integer.toString(vehicles), "--interval", "1",
                "--port", ports, "--credentials", credentials.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("logs").resolve("fleet.log").toFile())
                .start();
    }

    private void awaitReady(Service service, Process process) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service.name() + " exited with " + process.exitValue()
                        + "; see " + data.resolve("logs").resolve(service.name() + ".log"));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.readinessUrl()))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    say(service.name() + " is ready");
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(300);
        }
        throw new IllegalStateException(service.name() + " was not ready within " + READY_TIMEOUT
                + "; see " + data.resolve("logs").resolve(service.name() + ".log"));
    }

    /** The fleet first (its vehicles say goodbye), then the services (they flush to Kafka), then Kafka. Idempotent. */
    synchronized void stop() {
        stopping = true;
        if (services.isEmpty() && kafka == null && fleet == null) {
            reapStragglers();
            return;
        }
        say("stopping");
        if (fleet != null) {
            Processes.stop(fleet, STOP_TIMEOUT);
            fleet = null;
        }
        Processes.stopAll(services.stream().map(Process::toHandle).toList(), STOP_TIMEOUT);
        services.clear();
        if (kafka != null) {
            kafka.stop();
            kafka = null;
        }
        reapStragglers();
        say("stopped");
    }

    /**
     * Any child process still alive: one that start() launched while the stop was under way (Ctrl-C
     * during start-up) is not in the lists above, and must not outlive the launcher.
     */
    private static void reapStragglers() {
        Processes.stopAll(ProcessHandle.current().descendants().toList(), STOP_TIMEOUT);
    }

    private static void createOwnerOnly(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
    }

    private static void requireFree(int port, String what) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
        } catch (IOException free) {
            return;
        }
        throw new IllegalStateException("port " + port + " (" + what + ") is already in use: is another Tributary running?");
    }

    private static void say(String line) {
        System.out.println(line.isEmpty() ? "" : "[tributary] " + line);
        System.out.flush();
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
