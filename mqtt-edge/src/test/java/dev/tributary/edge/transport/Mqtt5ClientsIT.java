package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** MQTT 5 as a real client library (HiveMQ MQTT Client in MQTT 5 mode) sees it, over real sockets; MQTT 5.0 statements. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class Mqtt5ClientsIT {

    @Inject
    EdgeNode node;

    @Test
    void connack_announcesOurLimitsAndWhatIsAvailable_MQTT_3_2_2_3() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1")
                .serverPort(node.server().port()).buildBlocking();
        Mqtt5ConnAck ack = client.connectWith().restrictions().requestResponseInformation(true).applyRestrictions().send();
        try {
            assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            assertThat(ack.getRestrictions().getReceiveMaximum()).isEqualTo(1000);
            assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(32);
            assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(65_536); // the test profile's max-packet-size
            assertThat(ack.getRestrictions().getMaximumQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
            assertThat(ack.getRestrictions().isRetainAvailable()).isTrue();
            assertThat(ack.getRestrictions().isWildcardSubscriptionAvailable()).isTrue();
            assertThat(ack.getRestrictions().areSubscriptionIdentifiersAvailable()).isTrue();
            assertThat(ack.getRestrictions().isSharedSubscriptionAvailable()).isFalse();
            // [MQTT-3.2.2-16] the id we assigned to a CONNECT without one
            String assigned = ack.getAssignedClientIdentifier().orElseThrow().toString();
            assertThat(assigned).startsWith("auto-");
            assertThat(ack.getResponseInformation().orElseThrow().toString()).isEqualTo("reply/" + assigned + "/");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void publishProperties_reachAnMqtt5Subscriber_andTheKafkaRecordsHeaders_MQTT_3_3_2_17() throws Exception {
        String vehicle = "v5-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "fleet/" + vehicle + "/telemetry";
        Mqtt5BlockingClient subscriber = client("sub-" + vehicle);
        subscriber.connect();
        Mqtt5BlockingClient publisher = client("pub-" + vehicle);
        publisher.connect();
        try (Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("fleet/" + vehicle + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            // the same topic three times: the client library maps it to a topic alias after the first [MQTT-3.3.2-12]
            for (int i = 0; i < 3; i++) {
                publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(("{\"n\":" + i + "}").getBytes())
                        .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).contentType("application/json")
                        .responseTopic("fleet/" + vehicle + "/reply").correlationData("corr".getBytes())
                        .messageExpiryInterval(300)
                        .userProperties().add("b", "2").add("a", "1").add("b", "3").applyUserProperties().send();
            }
            for (int i = 0; i < 3; i++) {
                Mqtt5Publish got = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
                assertThat(got.getTopic().toString()).isEqualTo(topic);
                assertThat(got.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                        .containsExactly("b=2", "a=1", "b=3");
                assertThat(got.getContentType().orElseThrow().toString()).isEqualTo("application/json");
                assertThat(got.getResponseTopic().orElseThrow().toString()).isEqualTo("fleet/" + vehicle + "/reply");
                assertThat(bytes(got.getCorrelationData().orElseThrow())).isEqualTo("corr".getBytes());
                assertThat(got.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
                // [MQTT-3.3.2-6] the remaining interval is sent on
                assertThat(got.getMessageExpiryInterval().orElseThrow()).isBetween(290L, 300L);
            }
        } finally {
            subscriber.disconnect();
            publisher.disconnect();
        }
        ConsumerRecord<byte[], byte[]> record = mirrored("tributary.fleet.raw", MirrorHeaders.CLIENT_ID, "pub-" + vehicle);
        assertThat(header(record, MirrorHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(header(record, MirrorHeaders.RESPONSE_TOPIC)).isEqualTo("fleet/" + vehicle + "/reply");
        assertThat(header(record, MirrorHeaders.CORRELATION_DATA)).isEqualTo("corr");
        assertThat(header(record, MirrorHeaders.PAYLOAD_FORMAT)).isEqualTo("utf-8");
        List<String> user = new ArrayList<>();
        for (Header h : record.headers()) {
            if (h.key().startsWith(MirrorHeaders.USER_PROPERTY_PREFIX)) {
                user.add(h.key().substring(MirrorHeaders.USER_PROPERTY_PREFIX.length()) + "=" + new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(user).containsExactly("b=2", "a=1", "b=3");
    }

    @Test
    void recordKafkaRefuses_isAnsweredPuback0x97_andThePublisherStaysConnected() {
        String vehicle = "huge5-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient publisher = client(vehicle);
        publisher.connect();
        try {
            // the test profile caps the mirror's max.request.size at 20,000 bytes: Kafka refuses the record for good
            assertThatThrownBy(() -> publisher.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(new byte[30_000]).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class,
                            e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
            assertThat(publisher.getState().isConnected()).isTrue();
            publisher.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes()).send();
        } finally {
            publisher.disconnect();
        }
    }

    @Test
    void noLocal_and_retainAsPublished_MQTT_3_8_3_3_and_3_3_1_12() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient client = client("opts-" + run);
        client.connect();
        try (Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().addSubscription().topicFilter("own/" + run + "/#").noLocal(true).applySubscription()
                    .addSubscription().topicFilter("rap/" + run + "/#").retainAsPublished(true).applySubscription().send();
            client.publishWith().topic("own/" + run + "/x").payload("mine".getBytes()).send();
            Mqtt5BlockingClient other = client("other-" + run);
            other.connect();
            other.publishWith().topic("rap/" + run + "/x").retain(true).payload("kept".getBytes()).send();
            other.disconnect();
            Mqtt5Publish got = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo("rap/" + run + "/x");
            assertThat(got.isRetain()).isTrue();
            assertThat(publishes.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void sessionExpiry_keepsTheSessionForAReconnect_andZeroEndsIt_MQTT_3_1_2_10() {
        String id = "exp-" + UUID.randomUUID();
        Mqtt5BlockingClient kept = client(id);
        kept.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        kept.subscribeWith().topicFilter("exp/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
        kept.disconnect();
        Mqtt5BlockingClient again = client(id);
        assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(0).send().isSessionPresent()).isTrue();
        again.disconnect(); // now with expiry 0: the session ends here
        await().atMost(Duration.ofSeconds(10)).until(() -> node.sessions().get(id) == null);
        Mqtt5BlockingClient third = client(id);
        assertThat(third.connectWith().cleanStart(false).send().isSessionPresent()).isFalse();
        third.disconnect();
    }

    @Test
    void messageLargerThanASubscribersMaximumPacketSize_isDroppedForItOnly_MQTT_3_1_2_24() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient small = client("small-" + run);
        small.connectWith().restrictions().maximumPacketSize(200).applyRestrictions().send();
        Mqtt5BlockingClient large = client("large-" + run);
        large.connect();
        try (Mqtt5Publishes smallIn = small.publishes(MqttGlobalPublishFilter.ALL);
                Mqtt5Publishes largeIn = large.publishes(MqttGlobalPublishFilter.ALL)) {
            small.subscribeWith().topicFilter("size/" + run + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            large.subscribeWith().topicFilter("size/" + run + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            large.publishWith().topic("size/" + run + "/big").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1_000]).send();
            large.publishWith().topic("size/" + run + "/small").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[10]).send();
            assertThat(largeIn.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).endsWith("/big");
            assertThat(largeIn.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).endsWith("/small");
            assertThat(smallIn.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).endsWith("/small");
            assertThat(small.getState().isConnected()).isTrue();
        } finally {
            small.disconnect();
            large.disconnect();
        }
    }

    @Test
    void mqtt5OverWebSocket_publishesAndSubscribes() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient ws = MqttClient.builder().useMqttVersion5().identifier("ws5-" + run).serverHost("127.0.0.1")
                .serverPort(node.server().webSocketPort()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        assertThat(ws.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        try (Mqtt5Publishes publishes = ws.publishes(MqttGlobalPublishFilter.ALL)) {
            ws.subscribeWith().topicFilter("ws5/" + run).qos(MqttQos.EXACTLY_ONCE).send();
            ws.publishWith().topic("ws5/" + run).qos(MqttQos.EXACTLY_ONCE).payload("over ws".getBytes())
                    .userProperties().add("via", "ws").applyUserProperties().send();
            Mqtt5Publish got = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getUserProperties().asList()).extracting(p -> p.getValue().toString()).containsExactly("ws");
        } finally {
            ws.disconnect();
        }
    }

    @Test
    void downlinkRecordHeaders_becomeUserPropertiesOfTheDelivery() throws Exception {
        String vehicle = "cmd5-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient device = client(vehicle);
        device.connect();
        try (Mqtt5Publishes publishes = device.publishes(MqttGlobalPublishFilter.ALL);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            device.subscribeWith().topicFilter("fleet/" + vehicle + "/commands").qos(MqttQos.AT_LEAST_ONCE).send();
            // the node's downlink consumer starts at the end of the topic: send until it has joined
            Mqtt5Publish received = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received == null && System.nanoTime() < deadline) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("tributary.downlink", null, "{}".getBytes());
                record.headers().add(MirrorHeaders.TOPIC, ("fleet/" + vehicle + "/commands").getBytes(StandardCharsets.UTF_8));
                record.headers().add(MirrorHeaders.QOS, "1".getBytes(StandardCharsets.UTF_8));
                record.headers().add(MirrorHeaders.USER_PROPERTY_PREFIX + "command-id", "c-17".getBytes(StandardCharsets.UTF_8));
                record.headers().add(MirrorHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(10, TimeUnit.SECONDS);
                received = publishes.receive(1, TimeUnit.SECONDS).orElse(null);
            }
            assertThat(received).as("a downlink record reached the device").isNotNull();
            assertThat(received.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                    .containsExactly("command-id=c-17");
            assertThat(received.getContentType().orElseThrow().toString()).isEqualTo("application/json");
        } finally {
            device.disconnect();
        }
    }

    @Test
    void retainedMessage_keepsItsPropertiesAndItsExpiryCountsDown_MQTT_3_3_2_6() throws Exception {
        String topic = "retained5/" + UUID.randomUUID();
        Mqtt5BlockingClient publisher = client("rpub-" + UUID.randomUUID());
        publisher.connect();
        publisher.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE).payload("kept".getBytes())
                .messageExpiryInterval(3_600).userProperties().add("unit", "C").applyUserProperties().send();
        publisher.publishWith().topic(topic + "/short").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload("gone".getBytes())
                .messageExpiryInterval(1).send();
        publisher.disconnect();
        Thread.sleep(2_100); // let the second one's 1 s expiry pass: what is asserted is that it is then not sent
        Mqtt5BlockingClient late = client("late-" + UUID.randomUUID());
        late.connect();
        try (Mqtt5Publishes publishes = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish got = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo(topic);
            assertThat(got.isRetain()).isTrue();
            assertThat(got.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue()).containsExactly("unit=C");
            assertThat(got.getMessageExpiryInterval().orElseThrow()).isBetween(3_500L, 3_598L);
            assertThat(publishes.receive(1, TimeUnit.SECONDS)).isEmpty();
        } finally {
            late.disconnect();
        }
    }

    // ------------------------------------------------------------ bad input, by hand

    @Test
    void malformedProperty_getsDisconnect0x81_andTheNodeKeepsServing_MQTT_4_13_1_1() throws Exception {
        try (RawMqttSocket raw = new RawMqttSocket(node.server().port())) {
            raw.send(connect5("raw-malformed"));
            assertThat(raw.readPacket()[0]).isEqualTo((byte) 0x20);
            // PUBLISH QoS 0 on "t" whose properties hold the unknown property id 0x7F
            raw.send(0x30, 0x07, 0x00, 0x01, 't', 0x02, 0x7F, 0x00, 'x');
            assertThat(disconnectReason(raw)).isEqualTo(0x81);
            assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertStillServing();
    }

    @Test
    void topicAliasAboveOurMaximum_getsDisconnect0x94_MQTT_3_3_2_9() throws Exception {
        try (RawMqttSocket raw = new RawMqttSocket(node.server().port())) {
            raw.send(connect5("raw-alias"));
            assertThat(raw.readPacket()[0]).isEqualTo((byte) 0x20);
            // PUBLISH QoS 0 on "t" with topic alias 99 (we announce 32)
            raw.send(0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 99, 'x');
            assertThat(disconnectReason(raw)).isEqualTo(0x94);
        }
        assertStillServing();
    }

    @Test
    void packetOverTheMaximumPacketSize_getsDisconnect0x95_MQTT_3_2_2_15() throws Exception {
        try (RawMqttSocket raw = new RawMqttSocket(node.server().port())) {
            raw.send(connect5("raw-big"));
            assertThat(raw.readPacket()[0]).isEqualTo((byte) 0x20);
            // a PUBLISH announcing 100,000 bytes, over the 65,536 we announced
            raw.send(0x30, 0xA0, 0x8D, 0x06, 0x00, 0x01, 't', 0x00);
            assertThat(disconnectReason(raw)).isEqualTo(0x95);
        }
        assertStillServing();
    }

    // ------------------------------------------------------------ helpers

    private Mqtt5BlockingClient client(String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(node.server().port())
                .buildBlocking();
    }

    private void assertStillServing() {
        Mqtt5BlockingClient client = client("after-" + UUID.randomUUID());
        assertThat(client.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        client.disconnect();
    }

    /** An MQTT 5 CONNECT: clean start, keep alive 60, no properties. */
    private static byte[] connect5(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] { 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x00 });
        body.write(id.length >> 8);
        body.write(id.length);
        body.writeBytes(id);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size()); // under 128 bytes
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }

    /** Reads packets until a DISCONNECT and returns its reason code. */
    private static int disconnectReason(RawMqttSocket raw) throws Exception {
        for (int i = 0; i < 10; i++) {
            byte[] packet = raw.readPacket();
            if ((packet[0] & 0xF0) == 0xE0) {
                return packet.length > 1 ? packet[1] & 0xFF : 0; // the reason code follows the fixed header
            }
        }
        throw new AssertionError("no DISCONNECT");
    }

    private static ConsumerRecord<byte[], byte[]> mirrored(String topic, String header, String value) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "mqtt5-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(header(record, header))) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no record with " + header + "=" + value + " on " + topic);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
