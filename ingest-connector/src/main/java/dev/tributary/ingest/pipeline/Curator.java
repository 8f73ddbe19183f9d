package dev.tributary.ingest.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.common.log.Untrusted;
import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.ingest.envelope.CloudEvents;
import dev.tributary.ingest.envelope.DeadLetters;
import dev.tributary.ingest.envelope.DeadLetters.Reason;
import dev.tributary.ingest.rules.DeviceId;
import dev.tributary.ingest.rules.Rule;
import dev.tributary.ingest.rules.Rules;

/**
 * Turns one raw mirror record into exactly one output record: a curated record (CloudEvents, keyed by
 * device id) on the rule's target topic, or a dead letter with the reason on a dead-letter topic. Pure:
 * no Kafka client, so it is tested and benchmarked on its own.
 */
public final class Curator {

    /** The metric tag of records no rule takes. */
    public static final String NO_RULE = "none";

    /**
     * The largest dead letter written with its original value: the dead-letter topics are created to take
     * it ({@code max.message.bytes}) and the producer to send it. A larger raw record's dead letter
     * keeps its key and headers and says that its value was left out.
     */
    public static final int MAX_DEAD_LETTER_BYTES = 2 * 1024 * 1024;
    /** Room for the dead letter's own headers and Kafka's record overhead. */
    private static final int DEAD_LETTER_MARGIN = 64 * 1024;
    /** Reasons quote at most this much of what went wrong (a parser message can echo the payload). */
    private static final int MAX_REASON_CHARS = 500;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What became of one raw record. */
    public record Outcome(ProducerRecord<byte[], byte[]> record, String rule, Reason deadLetter) {
        public boolean curated() {
            return deadLetter == null;
        }
    }

    private final Rules rules;
    private final int maxPayloadBytes;

    public Curator(Rules rules, int maxPayloadBytes) {
        this.rules = rules;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public Outcome curate(ConsumerRecord<byte[], byte[]> raw) {
        try {
            return decide(raw);
        } catch (RuntimeException e) {
            // a bug or a payload the libraries choke on must not stop the partition: the record is kept
            return dead(raw, null, Reason.INTERNAL, "internal error: " + e);
        }
    }

    private Outcome decide(ConsumerRecord<byte[], byte[]> raw) {
        String mqttTopic = header(raw.headers(), MirrorHeaders.TOPIC);
        if (mqttTopic == null) {
            return dead(raw, null, Reason.NO_RULE, "no " + MirrorHeaders.TOPIC + " header: not a raw mirror record");
        }
        Rule rule = rules.ruleFor(raw.topic(), mqttTopic);
        if (rule == null) {
            return dead(raw, null, Reason.NO_RULE, "no rule of " + raw.topic() + " matches the MQTT topic '"
                    + Untrusted.quote(mqttTopic) + "'");
        }
        byte[] payload = raw.value() == null ? new byte[0] : raw.value();
        if (payload.length > maxPayloadBytes) {
            return dead(raw, rule, Reason.TOO_LARGE, "payload of " + payload.length + " bytes is larger than "
                    + maxPayloadBytes + " (tributary.ingest.max-payload-bytes)");
        }
        JsonNode json = null;
        if (rule.format() == Rule.Format.JSON) {
            try {
                json = JSON.readTree(payload);
            } catch (JsonProcessingException e) {
                return dead(raw, rule, Reason.INVALID_JSON, "invalid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                return dead(raw, rule, Reason.INVALID_JSON, "invalid JSON: " + e.getMessage());
            }
            if (json == null || json.isMissingNode()) {
                return dead(raw, rule, Reason.INVALID_JSON, "invalid JSON: empty payload");
            }
            String problem = rule.check().problem(json);
            if (problem != null) {
                return dead(raw, rule, Reason.SCHEMA, problem);
            }
        }
        String device = rule.deviceId().of(mqttTopic, json);
        if (device == null) {
            return dead(raw, rule, Reason.MISSING_DEVICE_ID, "no device id at " + describe(rule));
        }
        Headers headers = new RecordHeaders();
        CloudEvents.write(headers, raw.topic() + "-" + raw.partition() + "-" + raw.offset(), mqttTopic, rule.type(),
                raw.timestamp(), device, rule.format().contentType());
        // provenance: who published it, through which edge, with which QoS (mqtt.topic is ce_source)
        for (Header h : raw.headers()) {
            if (h.key().startsWith("mqtt.") && !h.key().equals(MirrorHeaders.TOPIC)) {
                headers.add(h.key(), h.value());
            }
        }
        return new Outcome(new ProducerRecord<>(rule.target(), null, raw.timestamp(),
                device.getBytes(StandardCharsets.UTF_8), payload, headers), rule.name(), null);
    }

    private static String describe(Rule rule) {
        if (rule.deviceId() instanceof DeviceId.Level level) {
            return "level {" + level.name() + "} of " + rule.filter();
        }
        return "payload field " + ((DeviceId.Field) rule.deviceId()).pointer();
    }

    private Outcome dead(ConsumerRecord<byte[], byte[]> raw, Rule rule, Reason reason, String error) {
        Headers headers = new RecordHeaders();
        int size = (raw.key() == null ? 0 : raw.key().length) + (raw.value() == null ? 0 : raw.value().length);
        for (Header h : raw.headers()) {
            headers.add(h);
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        byte[] value = raw.value();
        String reasonText = error.length() > MAX_REASON_CHARS ? error.substring(0, MAX_REASON_CHARS) + "…" : error;
        if (size > MAX_DEAD_LETTER_BYTES - DEAD_LETTER_MARGIN) {
            value = null;
            reasonText += " (original value of " + raw.value().length + " bytes left out: larger than a dead letter may be)";
        }
        String topic = rule == null ? rules.defaultDeadLetterTopic() : rule.deadLetterTopic();
        DeadLetters.write(headers, reason, reasonText, rule == null ? null : rule.name(),
                raw.topic() + "/" + raw.partition() + "/" + raw.offset());
        return new Outcome(new ProducerRecord<>(topic, null, raw.timestamp(), raw.key(), value, headers),
                rule == null ? NO_RULE : rule.name(), reason);
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
