package dev.tributary.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.AuthTopicWriter;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The edge deciding from a real Kafka auth topic (written here as auth-service writes it) for real MQTT
 * clients: passwords, disabled devices, ACLs on publish and subscribe, live revocation, certificates.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class AuthIT {

    private static final String PASSWORD = "device-password";
    private static final String HASH = PasswordHashes.hash(PASSWORD, 1000);

    @Inject
    EdgeNode node;

    private static AuthTopicWriter authTopic;

    @BeforeAll
    static void authTopic() throws Exception {
        authTopic = AuthTopicWriter.on(SharedKafka.get().bootstrapServers(), AuthProfile.TOPIC);
        authTopic.acl(List.of(
                new AclRule(Who.USER, "banned-topic-user", "fleet/#", Action.BOTH, false),
                // lets one user pick any client id, as an operator can, to show placeholders stay safe then
                new AclRule(Who.USER, "auth-sneaky", "*", Action.CONNECT, true),
                new AclRule(Who.ANY, null, "fleet/${clientid}/#", Action.BOTH, true),
                new AclRule(Who.GROUP, "operators", "#", Action.SUBSCRIBE, true),
                new AclRule(Who.GROUP, "operators", "fleet/+/commands", Action.PUBLISH, true)));
    }

    @AfterAll
    static void closeProducer() {
        authTopic.close();
    }

    private static void principal(Principal p) throws Exception {
        authTopic.principal(p);
    }

    private static Principal device(String name) {
        return new Principal(name, Kind.DEVICE, HASH, List.of(), false, 0);
    }

    /** Waits until the node's replica shows the principal as written (within a second in practice). */
    private void replicated(Principal p) {
        await().atMost(Duration.ofSeconds(10)).until(() -> p.equals(node.authReplica().snapshot().principals().get(p.username())));
    }

    private Mqtt3BlockingClient client(String clientId) {
        return MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(node.server().port()).buildBlocking();
    }

    private static Mqtt3ConnAckReturnCode refusal(Mqtt3BlockingClient client, String user, String password) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.connectWith().simpleAuth()
                .username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send());
        assertThat(thrown).as("CONNECT as " + user + " is refused").isInstanceOf(Mqtt3ConnAckException.class);
        return ((Mqtt3ConnAckException) thrown).getMqttMessage().getReturnCode();
    }

    /** The SUBACK's return codes (the blocking client throws when all of them are failures). */
    private static List<Mqtt3SubAckReturnCode> subAck(Mqtt3BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReturnCodes();
        } catch (Mqtt3SubAckException e) {
            return e.getMqttMessage().getReturnCodes();
        }
    }

    private static void connect(Mqtt3BlockingClient client, String user) {
        client.connectWith().simpleAuth().username(user).password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
    }

    @Test
    void rightPasswordConnects_wrongOneGetsCode4_disabledDeviceGetsCode5_anonymousGetsCode5() throws Exception {
        Principal dev = device("auth-dev-1");
        Principal off = device("auth-dev-off").withDisabled(true);
        principal(dev);
        principal(off);
        replicated(dev);
        replicated(off);

        Mqtt3BlockingClient ok = client("auth-dev-1");
        connect(ok, "auth-dev-1");
        ok.disconnect();
        // [MQTT-3.2.2-6] a refused CONNECT gets a CONNACK with the reason, then the connection closes
        assertThat(refusal(client("auth-dev-1"), "auth-dev-1", "not-the-password"))
                .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(refusal(client("x"), "nobody-by-this-name", PASSWORD))
                .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(refusal(client("auth-dev-off"), "auth-dev-off", PASSWORD)).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
        assertThatThrownBy(() -> client("anon-" + UUID.randomUUID()).connect())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
    }

    @Test
    void aDeniedPublish_isNeitherRoutedNorMirrored_andADeniedFilterGetsSubackFailure() throws Exception {
        Principal vehicle = device("auth-v7");
        Principal operator = device("auth-op").withGroups(List.of("operators"));
        principal(vehicle);
        principal(operator);
        replicated(vehicle);
        replicated(operator);

        Mqtt3BlockingClient watcher = client("auth-op");
        connect(watcher, "auth-op");
        Mqtt3BlockingClient v7 = client("auth-v7");
        connect(v7, "auth-v7");
        try (Mqtt3Publishes seen = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("fleet/#").qos(MqttQos.AT_LEAST_ONCE).send();
            String marker = UUID.randomUUID().toString();
            // QoS 1 PUBACK comes either way: MQTT 3.1.1 has no negative acknowledgement
            v7.publishWith().topic("fleet/auth-v8/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("spoofed " + marker).getBytes(StandardCharsets.UTF_8)).send();
            v7.publishWith().topic("fleet/auth-v7/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("own " + marker).getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt3Publish> first = seen.receive(10, TimeUnit.SECONDS);
            assertThat(first).isPresent();
            assertThat(first.get().getTopic().toString()).isEqualTo("fleet/auth-v7/telemetry");
            assertThat(seen.receive(500, TimeUnit.MILLISECONDS)).as("the denied message reached nobody").isEmpty();
            assertThat(mirroredPayloads("tributary.fleet.raw", marker)).containsExactly("own " + marker);

            // [MQTT-3.9.3-2] 0x80 for a filter under which nothing could be delivered to the client; a
            // filter under which something could is granted, and the rest is withheld per message
            assertThat(subAck(v7, "other/#")).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
            assertThat(subAck(v7, "fleet/+/telemetry")).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
            assertThat(subAck(v7, "fleet/auth-v7/commands")).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
        } finally {
            watcher.disconnect();
            v7.disconnect();
        }
    }

    @Test
    void aDeviceWithItsOwnRightPassword_cannotTakeAnotherDevicesClientId_code5_andTheOwnerStaysConnected() throws Exception {
        Principal owner = device("auth-owner");
        Principal intruder = device("auth-intruder");
        principal(owner);
        principal(intruder);
        replicated(owner);
        replicated(intruder);
        AtomicBoolean ownerLost = new AtomicBoolean();
        Mqtt3BlockingClient ownerClient = MqttClient.builder().useMqttVersion3().identifier("auth-owner")
                .serverHost("127.0.0.1").serverPort(node.server().port())
                .addDisconnectedListener(context -> ownerLost.set(true)).buildBlocking();
        ownerClient.connectWith().cleanSession(false).simpleAuth().username("auth-owner")
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        try (Mqtt3Publishes seen = ownerClient.publishes(MqttGlobalPublishFilter.ALL)) {
            ownerClient.subscribeWith().topicFilter("fleet/auth-owner/commands").qos(MqttQos.AT_LEAST_ONCE).send();
            // the attack: right credentials, someone else's client id (takeover would be [MQTT-3.1.4-2])
            for (String stolen : List.of("auth-owner", "auth-owner-2")) {
                assertThat(refusal(client(stolen), "auth-intruder", PASSWORD)).as(stolen)
                        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
            }
            Mqtt3BlockingClient own = client("auth-intruder-laptop");
            connect(own, "auth-intruder");
            own.disconnect();

            Principal operator = device("auth-owner-op").withGroups(List.of("operators"));
            principal(operator);
            replicated(operator);
            Mqtt3BlockingClient commands = client("auth-owner-op");
            connect(commands, "auth-owner-op");
            commands.publishWith().topic("fleet/auth-owner/commands").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("still yours".getBytes(StandardCharsets.UTF_8)).send();
            commands.disconnect();
            Optional<Mqtt3Publish> received = seen.receive(10, TimeUnit.SECONDS);
            assertThat(received).as("the owner's session was not taken over").isPresent();
            assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("still yours");
            assertThat(ownerLost).as("the owner was never disconnected").isFalse();
        } finally {
            ownerClient.disconnect();
        }
    }

    @Test
    void clientIdsHashAndPlus_gainNothingFromAPlaceholderRule() throws Exception {
        Principal sneaky = device("auth-sneaky");
        principal(sneaky);
        replicated(sneaky);
        for (String clientId : List.of("#", "+")) {
            Mqtt3BlockingClient client = client(clientId);
            connect(client, "auth-sneaky");
            try {
                // what fleet/${clientid}/# would become by naive substitution, and more
                for (String filter : List.of("fleet/#", "fleet/+/#", "fleet/+/telemetry")) {
                    assertThat(subAck(client, filter)).as(clientId + " → " + filter)
                            .containsExactly(Mqtt3SubAckReturnCode.FAILURE);
                }
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void disablingADevice_closesItsLiveConnectionWithinASecond() throws Exception {
        Principal dev = device("auth-to-disable");
        principal(dev);
        replicated(dev);
        AtomicBoolean lost = new AtomicBoolean();
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier("auth-to-disable")
                .serverHost("127.0.0.1").serverPort(node.server().port())
                .addDisconnectedListener(context -> lost.set(true)).buildBlocking();
        connect(client, "auth-to-disable");
        long written = System.nanoTime();
        principal(dev.withDisabled(true));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilTrue(lost);
        long millis = (System.nanoTime() - written) / 1_000_000;
        System.out.printf("auth: a disabled device's connection closed %d ms after the record was written%n", millis);
        assertThat(refusal(client("auth-to-disable"), "auth-to-disable", PASSWORD))
                .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    }

    @Test
    void aVerifiedClientCertificate_logsInAsItsCn_onlyIfThatPrincipalExists() throws Exception {
        Mqtt3BlockingClient withCertificate = MqttClient.builder().useMqttVersion3().identifier(AuthProfile.CERTIFICATE_CN)
                .serverHost("127.0.0.1").serverPort(node.server().tlsPort())
                .sslConfig().keyManagerFactory(AuthProfile.certificates().clientKeyManagerFactory())
                .trustManagerFactory(AuthProfile.certificates().trustManagerFactory()).applySslConfig()
                .buildBlocking();
        assertThatThrownBy(withCertificate::connect).as("no principal " + AuthProfile.CERTIFICATE_CN + " yet")
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
        Principal cert = device(AuthProfile.CERTIFICATE_CN);
        principal(cert);
        replicated(cert);
        withCertificate.connect(); // no password: the certificate is the credential
        withCertificate.disconnect();

        Mqtt3BlockingClient tlsWithoutCertificate = MqttClient.builder().useMqttVersion3().identifier("auth-tls-pw")
                .serverHost("127.0.0.1").serverPort(node.server().tlsPort())
                .sslConfig().trustManagerFactory(AuthProfile.certificates().trustManagerFactory()).applySslConfig()
                .buildBlocking();
        Principal dev = device("auth-tls-pw");
        principal(dev);
        replicated(dev);
        connect(tlsWithoutCertificate, "auth-tls-pw");
        tlsWithoutCertificate.disconnect();
    }

    /** Payloads of mirror records whose value contains the marker, read from the beginning of the topic. */
    private static List<String> mirroredPayloads(String topic, String marker) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "auth-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> found = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // the allowed record is acknowledged only after Kafka has it, so once it is read, the denied
            // one (sent before it by the same client) would be there too
            while (System.nanoTime() < deadline && found.isEmpty()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    if (record.value().contains(marker)) {
                        found.add(record.value());
                    }
                }
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.value().contains(marker)) {
                    found.add(record.value());
                }
            }
        }
        return found;
    }
}
