package dev.tributary.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;

/**
 * Writes auth records to a compacted auth topic as auth-service would, for tests and benchmarks that
 * start an edge with authentication on without starting auth-service.
 */
public final class AuthTopicWriter implements AutoCloseable {

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    private AuthTopicWriter(String topic, KafkaProducer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** Creates {@code topic} on the Kafka at {@code bootstrapServers} unless it is there already. */
    public static AuthTopicWriter on(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException alreadyThere) {
            // created by an earlier run against the same broker
        }
        return new AuthTopicWriter(topic, new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
                new StringSerializer(), new ByteArraySerializer()));
    }

    public void write(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }

    public void principal(Principal p) throws Exception {
        write(AuthRecords.principalKey(p.username()), AuthRecords.encode(p));
    }

    /** The token signing keys the edge verifies tokens with. */
    public void keys(List<AuthRecords.SigningKey> keys) throws Exception {
        write(AuthRecords.KEYS_KEY, AuthRecords.encode(keys));
    }

    public void acl(List<AclRule> rules) throws Exception {
        write(AuthRecords.ACL_KEY, AuthRecords.encode(rules));
    }

    @Override
    public void close() {
        producer.close();
    }
}
