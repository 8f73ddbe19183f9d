package dev.tributary.auth.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;


/**
 * The auth topic as a database, the way Confluent Schema Registry keeps its schemas: one compacted,
 * single-partition topic that this service alone writes. At start-up it creates the topic if needed
 * and reads it from the beginning to its end; afterwards every write is applied here once Kafka has
 * acknowledged it (acks=all, idempotent producer), so a read after a write sees it.
 */
public final class KafkaAuthStore extends RecordStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaAuthStore.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final String topic;
    private final Producer<String, byte[]> producer;

    public KafkaAuthStore(Map<String, Object> kafkaConfig, String topic, short replicationFactor) {
        this.topic = topic;
        ensureTopic(kafkaConfig, topic, replicationFactor);
        load(kafkaConfig);
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-auth-writer");
        // an admin call fails within half a minute when Kafka is away, instead of hanging
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static void ensureTopic(Map<String, Object> kafkaConfig, String topic, short replicationFactor) {
        try (Admin admin = Admin.create(kafkaConfig)) {
            NewTopic compacted = new NewTopic(topic, 1, replicationFactor).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    // a principal's deletion must reach an edge that was down for a while: keep tombstones a week
                    TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(7))));
            admin.createTopics(List.of(compacted)).all().get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            LOG.infof("created the auth topic %s (compacted, replication %d)", topic, replicationFactor);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the auth topic " + topic + ": " + e.getCause().getMessage()
                        + ". Check kafka.bootstrap.servers, or create it (compacted, 1 partition) yourself", e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + LOAD_TIMEOUT + " while creating " + topic
                    + ": check kafka.bootstrap.servers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void load(Map<String, Object> kafkaConfig) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), LOAD_TIMEOUT).get(partition);
            long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
            int records = 0;
            while (consumer.position(partition, LOAD_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the auth topic " + topic + " to its end within "
                            + LOAD_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record.key(), record.value());
                    records++;
                }
            }
            LOG.infof("loaded %d principals and %d ACL rules from %s (%d records)", contents.principals().size(),
                    contents.acl().size(), topic, records);
        }
    }

    /** Applies one record of the topic; a record this version cannot read is logged and skipped. */
    private void apply(String key, byte[] value) {
        try {
            contents.apply(key, value);
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping unreadable auth record %s: %s", key, e.getMessage());
        }
    }

    @Override
    protected CompletionStage<Void> write(String key, byte[] value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            synchronized (contents) {
                apply(key, value);
            }
            done.complete(null);
        });
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
