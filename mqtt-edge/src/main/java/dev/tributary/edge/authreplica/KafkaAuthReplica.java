package dev.tributary.edge.authreplica;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthTopicContents;
import dev.tributary.common.log.Untrusted;
import dev.tributary.edge.auth.AuthSnapshot;
import dev.tributary.edge.auth.PublishingReplica;
import dev.tributary.edge.kafka.CompactedTopicReader;

/**
 * Reads the auth topic from its beginning, then follows it ({@link CompactedTopicReader}: every node reads
 * everything, one thread), a new immutable snapshot after each batch of records. A change written by
 * auth-service reaches the node as fast as a poll returns, well within a second.
 */
public final class KafkaAuthReplica extends PublishingReplica implements AutoCloseable, CompactedTopicReader.Listener {

    private static final Logger LOG = Logger.getLogger(KafkaAuthReplica.class);

    private final String topic;
    private final CompactedTopicReader reader;
    private final AuthTopicContents contents = new AuthTopicContents();
    private List<SigningKey> publishedKeys = List.of();
    private Map<String, PublicKey> keys = Map.of();
    private Map<String, Long> keyRetirements = Map.of();

    public KafkaAuthReplica(Map<String, Object> kafkaConfig, String topic) {
        this.topic = topic;
        this.reader = new CompactedTopicReader(kafkaConfig, topic, "tributary-edge-auth-replica", this);
    }

    public void start() {
        reader.start();
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            contents.apply(key, record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping unreadable auth record %s at offset %d: %s", Untrusted.quote(key), record.offset(), e.getMessage());
        }
    }

    /** One new snapshot per batch of records, not per record: a replica of 100,000 principals loads in one go. */
    @Override
    public void afterBatch() {
        publishContents();
    }

    @Override
    public void loaded() {
        loaded(true);
        AuthSnapshot current = snapshot();
        LOG.infof("auth replica loaded from %s: %d principals, %d ACL rules, %d token keys", topic,
                current.principals().size(), current.acl().size(), current.keys().size());
    }

    @Override
    public void stopped() {
        loaded(false);
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
        reader.close();
    }
}
