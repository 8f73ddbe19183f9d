package dev.tributary.ingest.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the curated and dead-letter topics the rules name when they are missing. Dead-letter topics
 * take records up to {@link Curator#MAX_DEAD_LETTER_BYTES}, so that a raw record as large as Kafka
 * accepted from the edge fits into its dead letter whole. Existing topics are left as they are.
 */
public final class TopicSetup implements Runnable {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private final Map<String, Object> kafka;
    private final Set<String> sources;
    private final boolean create;
    private final Set<String> curated;
    private final Set<String> deadLetters;
    private final int partitions;
    private final short replicationFactor;

    /**
     * @param sources the raw topics: they must exist (the edge creates them), or this fails and is retried
     * @param create whether to create missing curated and dead-letter topics
     */
    public TopicSetup(Map<String, Object> kafka, Set<String> sources, boolean create, Set<String> curated, Set<String> deadLetters,
            int partitions, short replicationFactor) {
        this.kafka = kafka;
        this.sources = sources;
        this.create = create;
        this.curated = curated;
        this.deadLetters = deadLetters;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    @Override
    public void run() {
        List<NewTopic> wanted = new ArrayList<>();
        for (String topic : curated) {
            if (!deadLetters.contains(topic)) {
                wanted.add(new NewTopic(topic, partitions, replicationFactor));
            }
        }
        for (String topic : deadLetters) {
            wanted.add(new NewTopic(topic, partitions, replicationFactor)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Curator.MAX_DEAD_LETTER_BYTES))));
        }
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<String> noSource = sources.stream().filter(t -> !existing.contains(t)).toList();
            if (!noSource.isEmpty()) {
                // a consumer subscribed to a missing topic may not notice it appear for minutes (metadata.max.age.ms)
                throw new IllegalStateException("the raw topics " + noSource + " do not exist yet (the edge creates them)");
            }
            if (!create) {
                return;
            }
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).values().forEach((name, future) -> {
                try {
                    future.get(15, TimeUnit.SECONDS);
                    LOG.infof("ingest: created topic %s", name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("creating topic " + name + " timed out", e);
                }
            });
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
