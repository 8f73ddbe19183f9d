package dev.tributary.edge.auth;

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
import dev.tributary.testsupport.SharedKafka;

/** Writes auth records to a test's own compacted auth topic on the shared broker, as auth-service would. */
final class AuthTopicWriter implements AutoCloseable {

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    private AuthTopicWriter(String topic, KafkaProducer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** Creates the topic unless an earlier run of the same class in this broker did. */
    static AuthTopicWriter on(String topic) throws Exception {
        String servers = SharedKafka.get().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException alreadyThere) {
            // created by an earlier run in the same broker
        }
        return new AuthTopicWriter(topic, new KafkaProducer<>(Map.of("bootstrap.servers", servers, "acks", "all"),
                new StringSerializer(), new ByteArraySerializer()));
    }

    void write(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }

    void principal(Principal p) throws Exception {
        write(AuthRecords.principalKey(p.username()), AuthRecords.encode(p));
    }

    void keys(List<AuthRecords.SigningKey> keys) throws Exception {
        write(AuthRecords.KEYS_KEY, AuthRecords.encode(keys));
    }

    void acl(List<AclRule> rules) throws Exception {
        write(AuthRecords.ACL_KEY, AuthRecords.encode(rules));
    }

    @Override
    public void close() {
        producer.close();
    }
}
