package dev.tributary.edge.authreplica;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthTopicContents;
import dev.tributary.edge.auth.AuthSnapshot;
import dev.tributary.edge.auth.PublishingReplica;

/**
 * Reads the auth topic from its beginning, then follows it: a consumer with no group (every node reads
 * everything; nothing to commit), one thread, a new immutable snapshot after each batch of records. A
 * change written by auth-service reaches the node as fast as a poll returns, well within a second.
 */
public final class KafkaAuthReplica extends PublishingReplica implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaAuthReplica.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AuthTopicContents contents = new AuthTopicContents();
    private List<SigningKey> publishedKeys = List.of();
    private Map<String, PublicKey> keys = Map.of();
    private Map<String, Long> keyRetirements = Map.of();
    private volatile boolean running = true;

    public KafkaAuthReplica(Map<String, Object> kafkaConfig, String topic) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-edge-auth-replica");
        // a missing auth topic must not be created here with the broker's defaults (not compacted)
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "auth-replica");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        TopicPartition partition = new TopicPartition(topic, 0);
        long end = -1;
        boolean warned = false;
        try {
            while (running && end < 0) {
                try {
                    end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(2)).get(partition);
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (!warned) {
                        LOG.warnf("the auth topic %s is not readable yet (auth-service creates it); CONNECTs are"
                                + " refused as 'server unavailable' until it is", topic);
                        warned = true;
                    }
                }
            }
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            if (end == 0) {
                markLoaded();
            }
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    records.forEach(this::apply);
                    publishContents();
                }
                if (!isLoaded() && consumer.position(partition) >= end) {
                    markLoaded();
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "the auth replica stopped: CONNECTs are refused from now on");
            loaded(false);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void markLoaded() {
        loaded(true);
        AuthSnapshot current = snapshot();
        LOG.infof("auth replica loaded from %s: %d principals, %d ACL rules, %d token keys", topic,
                current.principals().size(), current.acl().size(), current.keys().size());
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            contents.apply(record.key(), record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping unreadable auth record %s at offset %d: %s", record.key(), record.offset(), e.getMessage());
        }
    }

    private static Map<String, PublicKey> publicKeys(List<SigningKey> published) throws java.security.GeneralSecurityException {
        Map<String, PublicKey> out = new HashMap<>();
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        for (SigningKey key : published) {
            out.put(key.kid(), rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey()))));
        }
        return out;
    }

    private void publishContents() {
        if (contents.keys() != publishedKeys) {
            try {
                keys = publicKeys(contents.keys());
                Map<String, Long> retiring = new HashMap<>();
                contents.keys().stream().filter(k -> k.retiresAtSeconds() != null)
                        .forEach(k -> retiring.put(k.kid(), k.retiresAtSeconds()));
                keyRetirements = retiring;
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                LOG.warnf("skipping unreadable token keys: %s", e.getMessage());
            }
            publishedKeys = contents.keys();
        }
        publish(new AuthSnapshot(contents.principalsByName(), contents.acl(), keys, keyRetirements));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
