package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The connector with its default rules against a real Kafka: raw mirror records in
 * {@code tributary.fleet.raw}, curated records in {@code tributary.fleet.curated} and dead letters in
 * {@code tributary.fleet.dlq}, each read back as analytics would (read_committed).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class CuratedRecordsTest {

    /**
     * When the edge received the raw records: now, whole seconds, as a broker's retention (7 days by default)
     * would delete records stamped long ago under the running connector.
     */
    private static final long RECEIVED = System.currentTimeMillis() / 1000 * 1000;

    private static final String RAW = "tributary.fleet.raw";
    private static final String CURATED = "tributary.fleet.curated";
    private static final String DLQ = "tributary.fleet.dlq";
    /** Vehicles of this run: the topics may hold records of other tests. */
    private static final String RUN = "c" + System.nanoTime();

    @BeforeAll
    static void rawTopic() {
        RawMirror.createTopic(bootstrap(), RAW, 3);
    }

    private static String bootstrap() {
        return SharedKafka.get().bootstrapServers();
    }

    private static void send(ProducerRecord<byte[], byte[]> record) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = RawMirror.producer(bootstrap())) {
            producer.send(record).get();
        }
    }

    private static ProducerRecord<byte[], byte[]> raw(String mqttTopic, String vehicle, String payload) {
        return RawMirror.record(RAW, mqttTopic, vehicle, payload.getBytes(StandardCharsets.UTF_8), RECEIVED);
    }

    private static ConsumerRecord<byte[], byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<byte[], byte[]>> which) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(
                () -> RawMirror.readAll(bootstrap(), topic, true).stream().filter(which).findFirst(), Optional::isPresent).get();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Predicate<ConsumerRecord<byte[], byte[]>> fromMqttTopic(String mqttTopic) {
        return r -> mqttTopic.equals(header(r, "mqtt.topic"));
    }

    @Test
    void validTelemetryBecomesACuratedCloudEvent_keyedByVehicle() throws Exception {
        String vehicle = RUN + "-ok";
        String json = RawMirror.telemetryJson(vehicle, 1, RECEIVED);
        send(raw("fleet/" + vehicle + "/telemetry", vehicle, json));
        ConsumerRecord<byte[], byte[]> r = awaitRecord(CURATED, c -> ("fleet/" + vehicle + "/telemetry").equals(header(c, "ce_source")));
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(vehicle);
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(r.timestamp()).isEqualTo(RECEIVED);
        assertThat(header(r, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(r, "ce_id")).matches("tributary\\.fleet\\.raw-[0-2]-\\d+");
        assertThat(header(r, "ce_type")).isEqualTo("dev.tributary.fleet.telemetry.v1");
        assertThat(header(r, "ce_time")).isEqualTo(java.time.Instant.ofEpochMilli(RECEIVED).toString());
        assertThat(header(r, "ce_subject")).isEqualTo(vehicle);
        assertThat(header(r, "content-type")).isEqualTo("application/json");
        assertThat(header(r, "mqtt.client_id")).isEqualTo(vehicle);
    }

    @Test
    void aVehicleStatusIsCuratedWithItsOwnType() throws Exception {
        String vehicle = RUN + "-status";
        send(raw("fleet/" + vehicle + "/status", vehicle, "{\"online\":true,\"since\":1}"));
        ConsumerRecord<byte[], byte[]> r = awaitRecord(CURATED, c -> ("fleet/" + vehicle + "/status").equals(header(c, "ce_source")));
        assertThat(header(r, "ce_type")).isEqualTo("dev.tributary.fleet.status.v1");
    }

    @Test
    void invalidJsonGoesToTheDeadLetterTopic_withReasonRuleAndOriginalHeadersAndBytes() throws Exception {
        String vehicle = RUN + "-badjson";
        ProducerRecord<byte[], byte[]> in = raw("fleet/" + vehicle + "/telemetry", vehicle, "{\"vehicle\": nope");
        send(in);
        ConsumerRecord<byte[], byte[]> r = awaitRecord(DLQ, fromMqttTopic("fleet/" + vehicle + "/telemetry"));
        assertOriginal(in, r);
        assertThat(header(r, "tributary.error")).startsWith("invalid JSON");
        assertThat(header(r, "tributary.error.kind")).isEqualTo("invalid-json");
        assertThat(header(r, "tributary.rule")).isEqualTo("fleet-telemetry");
        assertThat(header(r, "tributary.source")).matches("tributary\\.fleet\\.raw/[0-2]/\\d+");
    }

    @Test
    void aSchemaFailureGoesToTheDeadLetterTopic_namingTheField() throws Exception {
        String vehicle = RUN + "-schema";
        String json = RawMirror.telemetryJson(vehicle, 1, 1).replaceFirst("\"speed\":[0-9.]+", "\"speed\":\"fast\"");
        ProducerRecord<byte[], byte[]> in = raw("fleet/" + vehicle + "/telemetry", vehicle, json);
        send(in);
        ConsumerRecord<byte[], byte[]> r = awaitRecord(DLQ, fromMqttTopic("fleet/" + vehicle + "/telemetry"));
        assertOriginal(in, r);
        assertThat(header(r, "tributary.error.kind")).isEqualTo("schema");
        assertThat(header(r, "tributary.error")).contains("speed");
    }

    @Test
    void aMissingDeviceIdGoesToTheDeadLetterTopic() throws Exception {
        // an empty level matches {vehicle} (it matches like +), but names no device
        String mqttTopic = "fleet//telemetry";
        ProducerRecord<byte[], byte[]> in = raw(mqttTopic, RUN + "-nodevice", RawMirror.telemetryJson("x", 1, 1));
        send(in);
        ConsumerRecord<byte[], byte[]> r = awaitRecord(DLQ,
                c -> mqttTopic.equals(header(c, "mqtt.topic")) && new String(c.key(), StandardCharsets.UTF_8).equals(RUN + "-nodevice"));
        assertOriginal(in, r);
        assertThat(header(r, "tributary.error.kind")).isEqualTo("missing-device-id");
    }

    @Test
    void aRecordNoRuleTakesGoesToTheDeadLetterTopic_withoutARule() throws Exception {
        String mqttTopic = "fleet/" + RUN + "/unknown/kind";
        ProducerRecord<byte[], byte[]> in = raw(mqttTopic, RUN, "whatever");
        send(in);
        ConsumerRecord<byte[], byte[]> r = awaitRecord(DLQ, fromMqttTopic(mqttTopic));
        assertOriginal(in, r);
        assertThat(header(r, "tributary.error.kind")).isEqualTo("no-rule");
        assertThat(header(r, "tributary.rule")).isNull();
    }

    private static void assertOriginal(ProducerRecord<byte[], byte[]> in, ConsumerRecord<byte[], byte[]> r) {
        assertThat(r.key()).isEqualTo(in.key());
        assertThat(r.value()).isEqualTo(in.value());
        assertThat(r.timestamp()).isEqualTo(in.timestamp());
        List<String> original = java.util.stream.StreamSupport.stream(in.headers().spliterator(), false)
                .map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)).toList();
        List<String> kept = java.util.stream.StreamSupport.stream(r.headers().spliterator(), false)
                .map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)).toList();
        assertThat(kept).containsAll(original);
    }
}
