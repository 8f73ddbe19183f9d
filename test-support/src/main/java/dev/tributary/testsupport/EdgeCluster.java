package dev.tributary.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.tributary.kafkalocal.LocalKafkaCluster;

/**
 * Several packaged edges on one Kafka, which makes them one MQTT broker (docs/cluster.md): edge k
 * (counted from 1) is an {@link EdgeProcess} on its own free ports, with node id {@code edge-<port>}
 * and its log in {@code <work>/edge-k/tributary.log}. A fault test kills, stops and starts single
 * edges or all of them; {@link #close()} stops those still running.
 */
public final class EdgeCluster implements AutoCloseable {

    private final List<EdgeProcess> edges;
    private final String bootstrapServers;

    private EdgeCluster(List<EdgeProcess> edges, String bootstrapServers) {
        this.edges = List.copyOf(edges);
        this.bootstrapServers = bootstrapServers;
    }

    /** Edges of the repository at {@code root} on the Kafka at {@code bootstrapServers}, logs under {@code work}. */
    public static Builder builder(Path root, Path work, String bootstrapServers) {
        return new Builder(root, work, bootstrapServers);
    }

    /**
     * Edges on a {@link LocalKafkaCluster}: every address as bootstrap, so that any one broker may die, and the
     * topics the edges create replicated as the cluster's own ({@link Builder#replicationFactor}).
     */
    public static Builder builder(Path root, Path work, LocalKafkaCluster kafka) {
        return new Builder(root, work, kafka.bootstrapServers()).replicationFactor(kafka.replicationFactor());
    }

    public static final class Builder {

        private final Path root;
        private final Path work;
        private final String bootstrapServers;
        private int edges = 2;
        private String authTopic;
        private final Map<String, String> settings = new HashMap<>();

        private Builder(Path root, Path work, String bootstrapServers) {
            this.root = root;
            this.work = work;
            this.bootstrapServers = bootstrapServers;
        }

        /** How many edges (2 unless set). */
        public Builder edges(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one edge");
            }
            this.edges = count;
            return this;
        }

        /**
         * Replication factor of the topics the edges create (mirror, downlink and the edges' shared topics):
         * 3 on a three-broker Kafka, so that they survive the loss of one broker.
         */
        public Builder replicationFactor(int factor) {
            settings.put("TRIBUTARY_EDGE_MIRROR_TOPICS_REPLICATION_FACTOR", Integer.toString(factor));
            return this;
        }

        /** Authentication on every edge, from the auth topic {@code topic} (see {@link EdgeProcess.Builder#authFrom}). */
        public Builder authFrom(String topic) {
            this.authTopic = topic;
            return this;
        }

        /** Further environment variables of every edge, e.g. {@code TRIBUTARY_EDGE_MIRROR_DEFAULT_TOPIC}. */
        public Builder settings(Map<String, String> more) {
            settings.putAll(more);
            return this;
        }

        /** Starts the edges one after the other (each picks free ports) and returns once each is ready. */
        public EdgeCluster start() throws IOException {
            List<EdgeProcess> started = new ArrayList<>();
            try {
                for (int k = 1; k <= edges; k++) {
                    EdgeProcess.Builder edge = EdgeProcess.builder(root, Files.createDirectories(work.resolve("edge-" + k)));
                    if (authTopic == null) {
                        edge.mirrorTo(bootstrapServers);
                    } else {
                        edge.authFrom(bootstrapServers, authTopic);
                    }
                    started.add(edge.settings(settings).start());
                }
            } catch (IOException | RuntimeException e) {
                started.forEach(EdgeProcess::close);
                throw e;
            }
            return new EdgeCluster(started, bootstrapServers);
        }
    }

    /** Edge {@code k}, counted from 1. */
    public EdgeProcess edge(int k) {
        return edges.get(k - 1);
    }

    public List<EdgeProcess> edges() {
        return edges;
    }

    public int size() {
        return edges.size();
    }

    /** The Kafka the edges share. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Kills edge {@code k} at once (SIGKILL): its clients lose their connections, the others take it for dead after the node timeout. */
    public void kill(int k) {
        edge(k).kill();
    }

    /** Stops edge {@code k} cleanly (SIGTERM) if it runs, and starts it again on the same ports and node id. */
    public void restart(int k) throws IOException {
        edge(k).restart();
    }

    /** Stops every edge cleanly (SIGTERM), side by side, and returns once all have ended. */
    public void stopAll() {
        each(EdgeProcess::close);
    }

    /** Starts every edge that is not running again, side by side, on its ports and node id; returns once all are ready. */
    public void startAll() {
        each(edge -> {
            if (!edge.process().process().isAlive()) {
                try {
                    edge.startAgain();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    /** Runs {@code action} on every edge at once, each in its own thread (the common pool has one thread on 2 cores). */
    private void each(Consumer<EdgeProcess> action) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
        for (EdgeProcess edge : edges) {
            Thread thread = new Thread(() -> {
                try {
                    action.accept(edge);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "edge-cluster-" + edge.nodeId());
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Stops every edge still running. */
    @Override
    public void close() {
        stopAll();
    }
}
