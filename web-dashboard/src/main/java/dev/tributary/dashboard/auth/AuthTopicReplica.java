package dev.tributary.dashboard.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import dev.tributary.common.auth.AuthTopicContents;
import dev.tributary.common.log.Untrusted;

/**
 * The dashboard's replica of the auth topic, read as every edge reads it: from the beginning, then followed,
 * on one thread, through common's {@link AuthTopicContents}. It gives the dashboard's API the same principals,
 * ACL and token keys the edges decide with, so a user sees over the API what their MQTT connection may see.
 */
public final class AuthTopicReplica implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuthTopicReplica.class);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AuthTopicContents contents = new AuthTopicContents();
    private final Thread thread;
    private volatile boolean loaded;
    private volatile boolean closed;

    public AuthTopicReplica(Map<String, Object> kafka, String topic) {
        this.topic = topic;
        Properties config = new Properties();
        config.putAll(kafka);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-dashboard-auth-replica");
        this.consumer = new KafkaConsumer<>(config);
        this.thread = new Thread(this::run, "dashboard-auth-replica");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the topic has been read to the end it had when reading began: before that, nothing is decided. */
    public boolean loaded() {
        return loaded;
    }

    public AuthTopicContents contents() {
        return contents;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && !closed) {
                java.util.List<org.apache.kafka.common.PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    infos = null; // Kafka not reachable yet: asked again below
                }
                if (infos != null) {
                    partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                }
                if (partitions.isEmpty()) {
                    LOG.infof("auth topic %s not readable yet; asking again", topic);
                    Thread.sleep(1000); // waiting for auth-service to create it; no condition to wait on but time
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                    try {
                        contents.apply(key, record.value());
                    } catch (IllegalArgumentException e) {
                        LOG.warnf("skipping unreadable auth record %s at offset %d: %s", Untrusted.quote(key), record.offset(),
                                e.getMessage());
                    }
                }
                if (!loaded && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    loaded = true;
                    LOG.infof("auth replica loaded from %s: %d principals, %d ACL rules, %d token keys", topic,
                            contents.principals().size(), contents.acl().size(), contents.keys().size());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "auth replica of %s stopped; the dashboard's API refuses every call until a restart", topic);
            loaded = false;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }
}
