package dev.tributary.kafkalocal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Several real Kafka brokers on this machine forming one KRaft cluster: each node a child JVM that
 * is broker and controller, with its own data directory and loopback ports, all voting in one
 * quorum. With three nodes every topic has three replicas and {@code min.insync.replicas=2}, so a
 * write with acks=all survives the loss of any one broker, and the cluster keeps serving while one
 * node is killed ({@link #broker(int)}{@code .kill()}) or stopped. A cluster of one node is exactly
 * a single {@link LocalKafka}.
 */
public final class LocalKafkaCluster implements AutoCloseable {

    private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(90);

    private final List<LocalKafka> brokers;
    private final Quorum quorum;

    /**
     * @param dataDirs one data directory per node; node k (from 1) keeps its data in the k-th
     * @param firstPort node k's client port is {@code firstPort + 2(k-1)}, its controller port the next
     *        one (9092 gives 9092/9093, 9094/9095, 9096/9097); 0 picks free ports
     * @param heap each broker JVM's heap, e.g. "1g"
     */
    public LocalKafkaCluster(List<Path> dataDirs, int firstPort, String heap) {
        if (dataDirs.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one broker");
        }
        Map<Integer, Integer> clientPorts = new LinkedHashMap<>();
        Map<Integer, Integer> controllerPorts = new HashMap<>();
        for (int node = 1; node <= dataDirs.size(); node++) {
            clientPorts.put(node, firstPort == 0 ? LocalKafka.freePort() : firstPort + 2 * (node - 1));
            controllerPorts.put(node, firstPort == 0 ? LocalKafka.freePort() : firstPort + 2 * (node - 1) + 1);
        }
        this.quorum = new Quorum(dataDirs.size() == 1 ? null : Uuid.randomUuid().toString(), controllerPorts);
        List<LocalKafka> nodes = new ArrayList<>();
        clientPorts.forEach((node, port) -> nodes.add(new LocalKafka(dataDirs.get(node - 1), node, port, heap, quorum)));
        this.brokers = List.copyOf(nodes);
    }

    /** {@code brokers} nodes on free ports with data under {@code parent}/kafka-1, kafka-2, …, for tests. */
    public static LocalKafkaCluster onFreePorts(Path parent, int brokers, String heap) {
        return new LocalKafkaCluster(dataDirs(parent, brokers), 0, heap);
    }

    /** {@code parent}/kafka-1 … kafka-{@code brokers}: where {@code ./tributary up --kafka-brokers N} keeps each node's data. */
    public static List<Path> dataDirs(Path parent, int brokers) {
        List<Path> dirs = new ArrayList<>();
        for (int node = 1; node <= brokers; node++) {
            dirs.add(parent.resolve("kafka-" + node));
        }
        return dirs;
    }

    /**
     * The broker settings of a local cluster of {@code brokers} nodes that decide replication
     * ({@code default.replication.factor}, {@code min.insync.replicas}, those of the internal topics):
     * what a deployment's brokers should be given to behave as this cluster does.
     */
    public static Map<String, String> replicationSettings(int brokers) {
        Map<Integer, Integer> nodes = new HashMap<>();
        for (int node = 1; node <= brokers; node++) {
            nodes.put(node, 0);
        }
        return new Quorum(null, nodes).replicationSettings();
    }

    /** Node {@code node}, counted from 1: to stop, kill, pause or restart it on its own. */
    public LocalKafka broker(int node) {
        return brokers.get(node - 1);
    }

    public List<LocalKafka> brokers() {
        return brokers;
    }

    /** Every node's client address, comma-separated, as Kafka clients take it. */
    public String bootstrapServers() {
        return brokers.stream().map(LocalKafka::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The replication factor of every topic, internal ones included. */
    public int replicationFactor() {
        return quorum.replicationFactor();
    }

    /** The replicas that must have a write before a producer with acks=all is answered. */
    public int minInSyncReplicas() {
        return quorum.minInSyncReplicas();
    }

    /**
     * Launches every node that is not running side by side (none is ready before a majority of the
     * quorum runs), then returns once each serves clients and every broker has joined the cluster,
     * so that topics with all their replicas can be created at once.
     */
    public synchronized void start() {
        try {
            brokers.forEach(LocalKafka::launch);
            brokers.forEach(LocalKafka::awaitReady);
            awaitMembers();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Stops every node at once with a controlled shutdown (SIGKILL after the grace period). */
    public synchronized void stop() {
        List<Thread> stopping = new ArrayList<>();
        for (LocalKafka broker : brokers) {
            Thread thread = new Thread(broker::stop, "local-kafka-stop");
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                brokers.forEach(LocalKafka::kill);
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitMembers() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        long deadline = System.nanoTime() + MEMBERSHIP_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(config)) {
            while (true) {
                int members;
                try {
                    members = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
                } catch (Exception notYet) {
                    members = 0;
                }
                if (members == brokers.size()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(members + " of " + brokers.size() + " Kafka brokers joined the cluster within "
                            + MEMBERSHIP_TIMEOUT);
                }
                LocalKafka.sleep(250);
            }
        }
    }
}
