package dev.tributary.edge.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates the Kafka topics the edge writes to and reads from, at start-up. */
public final class MirrorTopics {

    private static final Logger LOG = Logger.getLogger(MirrorTopics.class);

    private MirrorTopics() {
    }

    /**
     * Makes sure every topic exists, creating the missing ones. Throws with a message that names
     * the topics and the cause when {@code required} and a topic can be neither found nor created.
     */
    public static void ensure(Map<String, Object> kafkaConfig, Set<String> topics, int partitions, short replication,
            boolean required) {
        ensure(kafkaConfig, topics.stream().map(t -> new NewTopic(t, partitions, replication)).toList(), required);
    }

    /** The same for topics each with its own partitions, replication and settings (e.g. compacted state topics). */
    public static void ensure(Map<String, Object> kafkaConfig, List<NewTopic> requests, boolean required) {
        if (requests.isEmpty()) {
            return;
        }
        Map<String, NewTopic> byName = new java.util.HashMap<>();
        requests.forEach(r -> byName.put(r.name(), r));
        List<String> failures = new ArrayList<>();
        try (Admin admin = Admin.create(kafkaConfig)) {
            admin.createTopics(requests).values().forEach((topic, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                    NewTopic created = byName.get(topic);
                    LOG.infof("created Kafka topic %s (%d partitions, replication %d%s)", topic, created.numPartitions(),
                            created.replicationFactor(), created.configs() == null || created.configs().isEmpty() ? ""
                                    : ", " + created.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        failures.add(topic + ": " + e.getCause().getMessage());
                    }
                } catch (Exception e) {
                    failures.add(topic + ": " + e);
                }
            });
        }
        if (failures.isEmpty()) {
            return;
        }
        String message = "cannot create the Kafka topics the edge needs: " + String.join("; ", failures)
                + ". Check kafka.bootstrap.servers and the ACLs of the edge's Kafka principal, or create them"
                + " yourself and set tributary.edge.mirror.topics.create=false";
        if (required) {
            throw new IllegalStateException(message);
        }
        LOG.warn(message);
    }
}
