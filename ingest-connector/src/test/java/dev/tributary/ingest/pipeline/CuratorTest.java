package dev.tributary.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.tributary.ingest.envelope.DeadLetters.Reason;
import dev.tributary.ingest.rules.Rules;
import dev.tributary.ingest.rules.TestRules;
import dev.tributary.testsupport.RawMirror;

/** One raw record in, exactly one curated record or dead letter out, without Kafka. */
class CuratorTest {

    private static final long RECEIVED = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z

    private final Curator curator = new Curator(TestRules.parse(TestRules.telemetryRule(Map.of())), 4096);

    private static ConsumerRecord<byte[], byte[]> raw(String mqttTopic, String payload) {
        ProducerRecord<byte[], byte[]> p = RawMirror.record("tributary.fleet.raw", mqttTopic, "v1",
                payload.getBytes(StandardCharsets.UTF_8), RECEIVED);
        return new ConsumerRecord<>(p.topic(), 2, 41, p.timestamp(), TimestampType.CREATE_TIME, p.key().length,
                p.value().length, p.key(), p.value(), p.headers(), java.util.Optional.empty());
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void validTelemetryIsCurated_keyedByDevice_withEveryCloudEventsHeader() {
        String json = RawMirror.telemetryJson("v1", 5, RECEIVED);
        Curator.Outcome o = curator.curate(raw("fleet/v1/telemetry", json));
        assertThat(o.curated()).isTrue();
        assertThat(o.rule()).isEqualTo("fleet-telemetry");
        ProducerRecord<byte[], byte[]> r = o.record();
        assertThat(r.topic()).isEqualTo("tributary.fleet.curated");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("v1");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(r.timestamp()).isEqualTo(RECEIVED);
        assertThat(header(r.headers(), "ce_specversion")).isEqualTo("1.0");
        assertThat(header(r.headers(), "ce_id")).isEqualTo("tributary.fleet.raw-2-41");
        assertThat(header(r.headers(), "ce_source")).isEqualTo("fleet/v1/telemetry");
        assertThat(header(r.headers(), "ce_type")).isEqualTo("dev.tributary.fleet.telemetry.v1");
        assertThat(header(r.headers(), "ce_time")).isEqualTo("2026-01-01T00:00:00.123Z");
        assertThat(header(r.headers(), "ce_subject")).isEqualTo("v1");
        assertThat(header(r.headers(), "content-type")).isEqualTo("application/json");
        assertThat(header(r.headers(), "mqtt.client_id")).isEqualTo("v1");
        assertThat(header(r.headers(), "mqtt.topic")).as("the MQTT topic is ce_source").isNull();
    }

    @Test
    void invalidJsonIsADeadLetter_withReasonRuleAndOriginalHeadersAndBytes() {
        ConsumerRecord<byte[], byte[]> in = raw("fleet/v1/telemetry", "{\"vehicle\":");
        Curator.Outcome o = curator.curate(in);
        assertDeadLetter(in, o, Reason.INVALID_JSON, "invalid JSON");
    }

    @Test
    void trailingGarbageAfterJsonIsInvalidJson() {
        ConsumerRecord<byte[], byte[]> in = raw("fleet/v1/telemetry", RawMirror.telemetryJson("v1", 1, 1) + " x");
        assertDeadLetter(in, curator.curate(in), Reason.INVALID_JSON, "invalid JSON");
    }

    @Test
    void aMissingRequiredFieldFailsTheSchema() {
        ConsumerRecord<byte[], byte[]> in = raw("fleet/v1/telemetry", "{\"vehicle\":\"v1\",\"seq\":1}");
        assertDeadLetter(in, curator.curate(in), Reason.SCHEMA, "required");
    }

    @Test
    void aWrongTypeFailsTheSchema_namingTheField() {
        String json = RawMirror.telemetryJson("v1", 1, 1).replace("\"speed\":1.0", "\"speed\":\"fast\"");
        ConsumerRecord<byte[], byte[]> in = raw("fleet/v1/telemetry", json);
        assertDeadLetter(in, curator.curate(in), Reason.SCHEMA, "speed");
    }

    @Test
    void anEmptyDeviceLevelIsAMissingDeviceId() {
        ConsumerRecord<byte[], byte[]> in = raw("fleet//telemetry", RawMirror.telemetryJson("v1", 1, 1));
        assertDeadLetter(in, curator.curate(in), Reason.MISSING_DEVICE_ID, "{vehicle}");
    }

    @Test
    void aPayloadFieldDeviceIdThatIsMissingIsAMissingDeviceId() {
        Map<String, String> p = new HashMap<>();
        p.put("tributary.ingest.rules[0].device-id", "/owner");
        Curator byField = new Curator(TestRules.parse(TestRules.telemetryRule(p)), 4096);
        ConsumerRecord<byte[], byte[]> in = raw("fleet/v1/telemetry", RawMirror.telemetryJson("v1", 1, 1));
        assertDeadLetter(in, byField.curate(in), Reason.MISSING_DEVICE_ID, "/owner");
    }

    @Test
    void aPayloadFieldDeviceIdKeysTheRecord() {
        Map<String, String> p = new HashMap<>();
        p.put("tributary.ingest.rules[0].device-id", "/vehicle");
        Curator byField = new Curator(TestRules.parse(TestRules.telemetryRule(p)), 4096);
        Curator.Outcome o = byField.curate(raw("fleet/x/telemetry", RawMirror.telemetryJson("v9", 1, 1)));
        assertThat(new String(o.record().key(), StandardCharsets.UTF_8)).isEqualTo("v9");
    }

    @Test
    void aTopicNoRuleMatchesIsADeadLetterWithoutRule() {
        ConsumerRecord<byte[], byte[]> in = raw("elsewhere/v1", "{}");
        Curator.Outcome o = curator.curate(in);
        assertDeadLetter(in, o, Reason.NO_RULE, "no rule");
        assertThat(o.rule()).isEqualTo(Curator.NO_RULE);
        assertThat(o.record().headers().lastHeader("tributary.rule")).isNull();
    }

    @Test
    void aPayloadOverTheLimitIsADeadLetterWithItsBytes() {
        ConsumerRecord<byte[], byte[]> in = raw("fleet/v1/telemetry", "x".repeat(5000));
        assertDeadLetter(in, curator.curate(in), Reason.TOO_LARGE, "5000 bytes");
    }

    @Test
    void aBinaryRulePassesAnyPayloadThrough_asOctetStream() {
        Map<String, String> p = new HashMap<>();
        p.put("tributary.ingest.rules[0].format", "binary");
        p.put("tributary.ingest.rules[0].schema", null);
        p.put("tributary.ingest.rules[0].filter", "fleet/{vehicle}/commands");
        Rules rules = TestRules.parse(TestRules.telemetryRule(p));
        Curator.Outcome o = new Curator(rules, 4096).curate(raw("fleet/v3/commands", "\u0001not json"));
        assertThat(o.curated()).isTrue();
        assertThat(header(o.record().headers(), "content-type")).isEqualTo("application/octet-stream");
        assertThat(new String(o.record().key(), StandardCharsets.UTF_8)).isEqualTo("v3");
    }

    private static void assertDeadLetter(ConsumerRecord<byte[], byte[]> in, Curator.Outcome o, Reason reason, String why) {
        assertThat(o.curated()).isFalse();
        assertThat(o.deadLetter()).isEqualTo(reason);
        ProducerRecord<byte[], byte[]> r = o.record();
        assertThat(r.topic()).isEqualTo("tributary.fleet.dlq");
        assertThat(r.key()).isEqualTo(in.key());
        assertThat(r.value()).isEqualTo(in.value());
        assertThat(r.timestamp()).isEqualTo(in.timestamp());
        assertThat(header(r.headers(), "tributary.error")).contains(why);
        assertThat(header(r.headers(), "tributary.error.kind")).isEqualTo(reason.label());
        assertThat(header(r.headers(), "tributary.source")).isEqualTo("tributary.fleet.raw/2/41");
        if (reason != Reason.NO_RULE) {
            assertThat(header(r.headers(), "tributary.rule")).isEqualTo("fleet-telemetry");
        }
        for (Header h : in.headers()) {
            assertThat(header(r.headers(), h.key())).isEqualTo(new String(h.value(), StandardCharsets.UTF_8));
        }
    }
}
