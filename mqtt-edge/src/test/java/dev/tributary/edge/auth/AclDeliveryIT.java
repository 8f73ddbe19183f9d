package dev.tributary.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
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
 * The ACL an operator writes first, "everyone may do everything except receive secret/#", enforced by the
 * real edge reading a real Kafka auth topic, for real MQTT clients: # is granted and withholds only the
 * secret messages, secret/# itself is refused, and taking a right away stops live deliveries within a second.
 */
@QuarkusTest
@TestProfile(AclDeliveryProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class AclDeliveryIT {

    private static final String PASSWORD = "device-password";
    private static final String HASH = PasswordHashes.hash(PASSWORD, 1000);
    private static final AclRule INSIDERS_READ_SECRET = new AclRule(Who.GROUP, "insiders", "secret/#", Action.SUBSCRIBE, true);
    /** The natural ACL, in Tributary's order: the first matching rule decides, so the deny comes first. */
    private static final List<AclRule> SECRET_DENIED = List.of(
            INSIDERS_READ_SECRET,
            new AclRule(Who.ANY, null, "secret/#", Action.SUBSCRIBE, false),
            new AclRule(Who.ANY, null, "#", Action.BOTH, true));

    @Inject
    EdgeNode node;

    private static AuthTopicWriter authTopic;

    @BeforeAll
    static void authTopic() throws Exception {
        authTopic = AuthTopicWriter.on(SharedKafka.get().bootstrapServers(), AclDeliveryProfile.TOPIC);
        for (Principal p : List.of(device("acl-reader", List.of()), device("acl-insider", List.of("insiders")),
                device("acl-publisher", List.of()))) {
            authTopic.principal(p);
        }
    }

    @AfterAll
    static void closeProducer() {
        authTopic.close();
    }

    @BeforeEach
    void secretDenied() throws Exception {
        acl(SECRET_DENIED);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.authReplica().snapshot().principals().size() >= 3);
    }

    private static Principal device(String name, List<String> groups) {
        return new Principal(name, Kind.DEVICE, HASH, groups, false, 0);
    }

    private void acl(List<AclRule> rules) throws Exception {
        authTopic.acl(rules);
        await().atMost(Duration.ofSeconds(10)).until(() -> rules.equals(node.authReplica().snapshot().acl()));
    }

    private Mqtt3BlockingClient connect(String user) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(user + "-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(node.server().port()).buildBlocking();
        client.connectWith().simpleAuth().username(user).password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        return client;
    }

    /** The SUBACK's return codes (the blocking client throws when all of them are failures). */
    private static List<Mqtt3SubAckReturnCode> subAck(Mqtt3BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReturnCodes();
        } catch (Mqtt3SubAckException e) {
            return e.getMqttMessage().getReturnCodes();
        }
    }

    private static void publish(Mqtt3BlockingClient client, String topic, String payload) {
        // QoS 1: the PUBACK comes after the edge routed the message to its subscribers
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    /** The payloads of what arrives within {@code millis}, in order. */
    private static List<String> received(Mqtt3Publishes seen, long millis) throws InterruptedException {
        List<String> payloads = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return payloads;
            }
            Optional<Mqtt3Publish> next = seen.receive(left, TimeUnit.NANOSECONDS);
            if (next.isEmpty()) {
                return payloads;
            }
            payloads.add(next.get().getTopic() + " " + new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void whenSubscribedToHash_withSecretDenied_thenGrantedQos_andReceivesAB_butNotSecretX_MQTT_3_9_3() throws Exception {
        Mqtt3BlockingClient reader = connect("acl-reader");
        Mqtt3BlockingClient publisher = connect("acl-publisher");
        try (Mqtt3Publishes seen = reader.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(subAck(reader, "#")).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
            String marker = UUID.randomUUID().toString();
            publish(publisher, "secret/x", marker);
            publish(publisher, "a/b", marker);
            assertThat(received(seen, 1_000)).containsExactly("a/b " + marker);

            // [MQTT-3.9.3-2] 0x80: no topic under secret/# could ever be delivered to this client
            assertThat(subAck(reader, "secret/#")).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
        } finally {
            reader.disconnect();
            publisher.disconnect();
        }
    }

    @Test
    void whenTheRuleAllowingSecretIsRemovedWhileSubscribed_thenDeliveriesStopWithinASecond() throws Exception {
        Mqtt3BlockingClient insider = connect("acl-insider");
        Mqtt3BlockingClient publisher = connect("acl-publisher");
        try (Mqtt3Publishes seen = insider.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(subAck(insider, "#")).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
            publish(publisher, "secret/x", "before");
            assertThat(received(seen, 2_000)).containsExactly("secret/x before");

            long written = System.nanoTime();
            authTopic.acl(SECRET_DENIED.subList(1, SECRET_DENIED.size()));
            long stoppedAfter = -1;
            for (int probe = 0; probe < 40 && stoppedAfter < 0; probe++) {
                long sent = System.nanoTime();
                publish(publisher, "secret/x", "probe " + probe);
                if (received(seen, 100).isEmpty()) {
                    stoppedAfter = TimeUnit.NANOSECONDS.toMillis(sent - written);
                }
            }
            System.out.printf("acl: deliveries of secret/x stopped at most %d ms after the rule's removal was written%n",
                    stoppedAfter);
            assertThat(stoppedAfter).as("ms until a secret/x probe was not delivered").isBetween(0L, 1_000L);
            publish(publisher, "secret/x", "after");
            publish(publisher, "a/b", "after");
            assertThat(received(seen, 1_000)).as("only what the remaining rules allow").containsExactly("a/b after");
        } finally {
            insider.disconnect();
            publisher.disconnect();
        }
    }
}
