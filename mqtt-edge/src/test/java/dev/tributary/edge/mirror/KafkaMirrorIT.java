package dev.tributary.edge.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.EdgeNode;
import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The delivery guarantee against a real Kafka broker: acknowledged means in Kafka, even through outages. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class KafkaMirrorIT {

    private static final String FLEET_TOPIC = "tributary.fleet.raw";

    @Inject
    EdgeNode node;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @Test
    void qos1Publishes_becomeRecordsWithKeyHeadersAndPerKeyOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String clientId = "truck-" + run;
        Mqtt3BlockingClient device = client(clientId).toBlocking();
        device.connectWith().simpleAuth().username("fleet-user").password("x".getBytes()).applySimpleAuth().send();
        int perVehicle = 100;
        for (int i = 0; i < perVehicle; i++) {
            for (String vehicle : List.of("a" + run, "b" + run)) {
                device.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
            }
        }
        device.disconnect();

        List<ConsumerRecord<byte[], byte[]>> records = consume(FLEET_TOPIC, r -> header(r, MirrorHeaders.CLIENT_ID).equals(clientId),
                2 * perVehicle);
        assertThat(records).hasSize(2 * perVehicle);
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8)));
            assertThat(header(r, MirrorHeaders.TOPIC)).isEqualTo("fleet/" + key + "/telemetry");
            assertThat(header(r, MirrorHeaders.QOS)).isEqualTo("1");
            assertThat(header(r, MirrorHeaders.RETAIN)).isEqualTo("false");
            assertThat(header(r, MirrorHeaders.USERNAME)).isEqualTo("fleet-user");
            assertThat(header(r, MirrorHeaders.NODE)).isEqualTo(node.nodeId());
        }
        List<Integer> inOrder = java.util.stream.IntStream.range(0, perVehicle).boxed().toList();
        assertThat(byKey).containsOnlyKeys("a" + run, "b" + run);
        assertThat(byKey.get("a" + run)).containsExactlyElementsOf(inOrder);
        assertThat(byKey.get("b" + run)).containsExactlyElementsOf(inOrder);
    }

    @Test
    void kafkaStopped_noPubackUntilItIsBack_andEveryAcknowledgedMessageIsInKafka() throws Exception {
        LocalKafka kafka = SharedKafka.get();
        String vehicle = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt3AsyncClient device = deviceThatPublishedBefore(vehicle);

        kafka.stop();
        List<CompletableFuture<?>> acks = publishSome(device, vehicle, 20);
        Thread.sleep(3_000);
        assertThat(acks).as("no PUBACK while Kafka is down").noneMatch(CompletableFuture::isDone);
        assertThat(readiness()).as("readiness is DOWN while Kafka is down").isEqualTo(503);

        kafka.start();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 200);
        device.disconnect().get(10, TimeUnit.SECONDS);
        assertExactlyOnceInOrder(vehicle, 20);
    }

    @Test
    void kafkaHanging_noPubackUntilItAnswers_andNothingAcknowledgedIsLost() throws Exception {
        LocalKafka kafka = SharedKafka.get();
        String vehicle = "hang-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt3AsyncClient device = deviceThatPublishedBefore(vehicle);

        kafka.pause();
        List<CompletableFuture<?>> acks;
        try {
            acks = publishSome(device, vehicle, 20);
            Thread.sleep(3_000);
            assertThat(acks).as("no PUBACK while Kafka hangs").noneMatch(CompletableFuture::isDone);
            assertThat(readiness()).isEqualTo(503);
        } finally {
            kafka.resume();
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        device.disconnect().get(10, TimeUnit.SECONDS);
        assertExactlyOnceInOrder(vehicle, 20);
    }

    @Test
    void recordKafkaRefusesForGood_isNeverAcknowledged_andTheClientIsDisconnected() throws Exception {
        String vehicle = "huge-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt3AsyncClient device = client(vehicle);
        device.connect().get(10, TimeUnit.SECONDS);
        // the test profile caps the mirror's max.request.size at 20,000 bytes
        CompletableFuture<?> ack = device.publishWith().topic("fleet/" + vehicle + "/telemetry")
                .qos(MqttQos.AT_LEAST_ONCE).payload(new byte[30_000]).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> !device.getState().isConnected());
        assertThat(ack).isNotCompleted().satisfiesAnyOf(f -> assertThat(f).isNotDone(),
                f -> assertThat(f).isCompletedExceptionally());
    }

    @Test
    void downlinkRecord_reachesASubscribedClient() throws Exception {
        String vehicle = "cmd-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt3BlockingClient device = client(vehicle).toBlocking();
        device.connect();
        try (var publishes = device.publishes(MqttGlobalPublishFilter.ALL);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            device.subscribeWith().topicFilter("fleet/" + vehicle + "/commands").qos(MqttQos.AT_LEAST_ONCE).send();
            // the node's downlink consumer starts at the end of the topic: send until it has joined
            Mqtt3Publish received = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received == null && System.nanoTime() < deadline) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("tributary.downlink",
                        null, "{\"cmd\":\"honk\"}".getBytes(StandardCharsets.UTF_8));
                record.headers().add(MirrorHeaders.TOPIC, ("fleet/" + vehicle + "/commands").getBytes(StandardCharsets.UTF_8));
                record.headers().add(MirrorHeaders.QOS, "1".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(10, TimeUnit.SECONDS);
                received = publishes.receive(1, TimeUnit.SECONDS).orElse(null);
            }
            assertThat(received).as("a downlink record reached the device").isNotNull();
            assertThat(received.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"cmd\":\"honk\"}");
        } finally {
            device.disconnect();
        }
    }

    /** A connected device whose first message ("before") Kafka already has, so the outage starts mid-stream. */
    private Mqtt3AsyncClient deviceThatPublishedBefore(String vehicle) throws Exception {
        Mqtt3AsyncClient device = client(vehicle);
        device.connect().get(10, TimeUnit.SECONDS);
        device.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("before".getBytes())
                .send().get(30, TimeUnit.SECONDS);
        return device;
    }

    /** Exactly once and in order: the idempotent producer neither duplicates nor reorders on retry. */
    private static void assertExactlyOnceInOrder(String vehicle, int count) {
        List<String> expected = new ArrayList<>(List.of("before"));
        for (int i = 0; i < count; i++) {
            expected.add("m" + i);
        }
        List<ConsumerRecord<byte[], byte[]>> records = consume(FLEET_TOPIC,
                r -> new String(r.key(), StandardCharsets.UTF_8).equals(vehicle), count + 1);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(expected);
    }

    private List<CompletableFuture<?>> publishSome(Mqtt3AsyncClient device, String vehicle, int count) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(device.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send());
        }
        return acks;
    }

    private Mqtt3AsyncClient client(String id) {
        return MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(node.server().port()).buildAsync();
    }

    private int readiness() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ready.toString())).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic,
            java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> mine, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (mine.test(r)) {
                        records.add(r);
                    }
                });
            }
            // anything beyond the expected count would be a duplicate or a stray: read a little longer
            long extra = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < extra) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (mine.test(r)) {
                        records.add(r);
                    }
                });
            }
        }
        return records;
    }
}
