package dev.tributary.ingest.rules;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import dev.tributary.common.topic.Topics;

/**
 * Where a rule finds the device id that keys its curated records: a named level of the MQTT topic
 * ({@code {vehicle}} in {@code fleet/{vehicle}/telemetry}) or a field of the JSON payload (a JSON
 * Pointer such as {@code /vehicle}).
 */
public sealed interface DeviceId {

    /** The device id of a record, or null when it has none (an empty level, a missing or empty field). */
    String of(String mqttTopic, JsonNode payload);

    record Level(String name, int index) implements DeviceId {
        @Override
        public String of(String mqttTopic, JsonNode payload) {
            String level = Topics.level(mqttTopic, index);
            return level.isEmpty() ? null : level;
        }
    }

    record Field(JsonPointer pointer) implements DeviceId {
        @Override
        public String of(String mqttTopic, JsonNode payload) {
            if (payload == null) {
                return null;
            }
            JsonNode value = payload.at(pointer);
            if (!value.isTextual() && !value.isIntegralNumber()) {
                return null;
            }
            String id = value.asText();
            return id.isEmpty() ? null : id;
        }
    }
}
