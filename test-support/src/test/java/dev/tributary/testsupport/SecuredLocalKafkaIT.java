package dev.tributary.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.ScramCredentials;

/** LocalKafka started with SASL/SCRAM and ACLs: who may do what is the broker's decision. */
class SecuredLocalKafkaIT {

    private static LocalKafka kafka;

    @BeforeAll
    static void start() {
        kafka = SharedKafka.newPrivateSecuredBroker();
        kafka.start();
        kafka.addAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "open", PatternType.LITERAL),
                new AccessControlEntry("User:*", "*", AclOperation.ALL, AclPermissionType.ALLOW))));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aClientWithoutCredentials_writesNothing_evenWhereEveryUserMayWrite() throws Exception {
        Map<String, Object> plain = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        try (var producer = producer(plain)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("open", "k", "anonymous")).get(10, TimeUnit.SECONDS))
                    .as("the SASL port does not speak to a client that does not log in: no metadata, ever")
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        assertThat(endOffset(kafka.adminConfig(), "open")).isZero();
    }

    @Test
    void aWrongPassword_isRefusedAtLogin() {
        ScramCredentials user = ScramCredentials.generate("guesser");
        kafka.createUser(user);
        ScramCredentials guess = new ScramCredentials("guesser", "not-" + user.password());
        try (var producer = producer(kafka.clientConfig(guess))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("open", "k", "guessed")).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aUserMayDoWhatItsAclsAllow_andNothingElse() throws Exception {
        ScramCredentials writer = ScramCredentials.generate("writer");
        kafka.createUser(writer);
        kafka.addAcls(List.of(
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "writable", PatternType.LITERAL),
                        new AccessControlEntry(writer.principal(), "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "writable", PatternType.LITERAL),
                        new AccessControlEntry(writer.principal(), "*", AclOperation.CREATE, AclPermissionType.ALLOW))));
        try (var producer = producer(kafka.clientConfig(writer))) {
            producer.send(new ProducerRecord<>("writable", "k", "allowed")).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("not-writable", "k", "denied")).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset(kafka.adminConfig(), "writable")).isEqualTo(1);
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain("not-writable");
        }
    }

    @Test
    void theDataDirectory_andTheConfigHoldingTheSuperUsersPassword_areTheOwners() throws Exception {
        assertThat(Files.getPosixFilePermissions(kafka.dataDir()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(kafka.dataDir().resolve("server.properties")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(kafka.dataDir().resolve("kafka-format.args")).as("the format command's arguments are not kept")
                .doesNotExist();
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        all.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        all.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        all.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    /** The end offset of partition 0 of {@code topic}, 0 when the topic does not exist. */
    private static long endOffset(Map<String, Object> config, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(config)) {
            if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                return 0;
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> consumer = new HashMap<>(config);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var c = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return c.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        }
    }
}
