package dev.tributary.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.ScramCredentials;
import dev.tributary.kafkalocal.ServiceAcls;
import dev.tributary.testsupport.AuthServiceProcess;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.KafkaRecords;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Tributary on a secured Kafka: the broker takes SASL/SCRAM logins only and holds every principal to
 * its ACLs (those of docs/security.md). The packaged auth-service and mqtt-edge log in with their own
 * credentials, given as the environment variables KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and
 * KAFKA_SASL_JAAS_CONFIG, and do their whole job; a client without credentials, or with the edge's,
 * cannot write the auth topic or the downlink topic.
 */
class SecuredKafkaIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH_TOPIC = "tributary.auth";
    private static final String FLEET_TOPIC = "tributary.fleet.raw";
    private static final String OTHER_TOPIC = "tributary.mqtt.raw";
    private static final String DOWNLINK_TOPIC = "tributary.downlink";

    private static LocalKafka kafka;
    private static ScramCredentials authUser;
    private static ScramCredentials edgeUser;
    private static AuthServiceProcess authService;
    private static EdgeProcess edge;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("secured-kafka");
        kafka = SharedKafka.newPrivateSecuredBroker();
        kafka.start();
        authUser = ScramCredentials.generate("tributary-auth");
        edgeUser = ScramCredentials.generate("tributary-edge");
        kafka.createUser(authUser);
        kafka.createUser(edgeUser);
        kafka.addAcls(ServiceAcls.authService(authUser.principal(), AUTH_TOPIC));
        kafka.addAcls(ServiceAcls.edge(edgeUser.principal(), AUTH_TOPIC, List.of(FLEET_TOPIC, OTHER_TOPIC), DOWNLINK_TOPIC));

        authService = AuthServiceProcess.start(ServiceProcess.root(), work, kafka.bootstrapServers(), AUTH_TOPIC,
                authUser.environment());
        http = authService.http();
        Map<String, String> edgeSettings = new HashMap<>(edgeUser.environment());
        edgeSettings.put("TRIBUTARY_EDGE_DOWNLINK_ENABLED", "true");
        edge = EdgeProcess.builder(ServiceProcess.root(), work).authFrom(kafka.bootstrapServers(), AUTH_TOPIC)
                .settings(edgeSettings).start();
        assertThat(http.admin("PUT", "/api/acl", """
                [{"who":"any","topicFilter":"fleet/${username}/#","action":"both","allow":true}]""").statusCode())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
        if (authService != null) {
            authService.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aDeviceWrittenThroughAuthService_connects_itsPublishLandsInTheMirrorTopic_andTheDownlinkReachesIt() throws Exception {
        String device = "sasl-v" + UUID.randomUUID().toString().substring(0, 6);
        var created = http.admin("POST", "/api/principals", "{\"username\":\"" + device + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String password = JSON.readTree(created.body()).get("password").asText();

        Mqtt3BlockingClient vehicle = MqttClient.builder().useMqttVersion3().identifier(device).serverHost("127.0.0.1")
                .serverPort(edge.port()).buildBlocking();
        // the edge's replica of the auth topic has the device within a second
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            vehicle.connectWith().simpleAuth().username(device).password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            return true;
        });
        try (Mqtt3Publishes received = vehicle.publishes(MqttGlobalPublishFilter.ALL)) {
            // the PUBACK comes only once Kafka has the record: the edge's producer logged in and may write
            vehicle.publishWith().topic("fleet/" + device + "/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"speed\":7}".getBytes(StandardCharsets.UTF_8)).send();
            ConsumerRecord<byte[], byte[]> mirrored = await().atMost(Duration.ofSeconds(30))
                    .until(() -> KafkaRecords.all(kafka.adminConfig(), FLEET_TOPIC).stream()
                            .filter(r -> device.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst(),
                            Optional::isPresent).get();
            assertThat(new String(mirrored.value(), StandardCharsets.UTF_8)).isEqualTo("{\"speed\":7}");

            // the downlink consumer joins its group (READ on the group) and starts from the latest offset
            // when the group is new: send until one arrives
            String commands = "fleet/" + device + "/commands";
            vehicle.subscribeWith().topicFilter(commands).qos(MqttQos.AT_LEAST_ONCE).send();
            Optional<Mqtt3Publish> delivered = Optional.empty();
            try (var operator = new KafkaProducer<>(kafka.adminConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (delivered.isEmpty() && System.nanoTime() < deadline) {
                    operator.send(new ProducerRecord<>(DOWNLINK_TOPIC, commands.getBytes(StandardCharsets.UTF_8),
                            "unlock".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
                    delivered = received.receive(1, TimeUnit.SECONDS);
                }
            }
            assertThat(delivered).as("a downlink record reached the device").isPresent();
            assertThat(new String(delivered.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("unlock");
        } finally {
            vehicle.disconnect();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {AUTH_TOPIC, DOWNLINK_TOPIC})
    void aClientWithoutCredentials_cannotWriteTheTopic(String topic) throws Exception {
        long before = endOffset(topic);
        Map<String, Object> anonymous = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var attacker = producer(anonymous)) {
            assertThatThrownBy(() -> attacker.send(attack(topic)).get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        assertThat(endOffset(topic)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {AUTH_TOPIC, DOWNLINK_TOPIC})
    void theEdgesCredentials_cannotWriteTheTopic(String topic) throws Exception {
        long before = endOffset(topic);
        try (var attacker = producer(kafka.clientConfig(edgeUser))) {
            assertThatThrownBy(() -> attacker.send(attack(topic)).get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset(topic)).isEqualTo(before);
    }

    @Test
    void theServicesLogs_neverShowTheirKafkaPasswords() throws Exception {
        String edgeLog = Files.readString(edge.process().log());
        String authLog = Files.readString(authService.process().log());
        assertThat(edgeLog).contains("Successfully logged in").doesNotContain(edgeUser.password());
        assertThat(authLog).contains("Successfully logged in").doesNotContain(authUser.password());
    }

    /** A principal record that would let anyone in with a password of the attacker's choice. */
    private static ProducerRecord<byte[], byte[]> attack(String topic) {
        return new ProducerRecord<>(topic, "principal:intruder".getBytes(StandardCharsets.UTF_8),
                "{\"username\":\"intruder\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        all.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        all.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        all.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(all, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(all, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The sum of the end offsets of every partition of {@code topic}, read as the super user. */
    private static long endOffset(String topic) {
        try (var consumer = consumer(kafka.adminConfig())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
