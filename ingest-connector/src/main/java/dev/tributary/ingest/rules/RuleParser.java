package dev.tributary.ingest.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;

import dev.tributary.common.topic.TopicPattern;
import dev.tributary.ingest.config.IngestConfig;

/**
 * Turns the {@code tributary.ingest.rules[n].*} settings into {@link Rules}, or fails with a
 * {@link BadRuleException} whose message names the key at fault and what is wrong with it.
 */
public final class RuleParser {

    private static final String PREFIX = "tributary.ingest.";
    private static final String KAFKA_TOPIC = "[a-zA-Z0-9._-]{1,249}";
    /** CloudEvents: type is a non-empty string; kept to printable ASCII without spaces so it stays a clean header. */
    private static final String EVENT_TYPE = "[!-~]{1,255}";

    private RuleParser() {
    }

    /** A rule setting that cannot work; the message starts with the key. */
    public static final class BadRuleException extends IllegalArgumentException {
        BadRuleException(String key, String problem) {
            super(key + ": " + problem);
        }
    }

    public static Rules parse(IngestConfig config) {
        String defaultDeadLetters = config.deadLetterTopic();
        requireKafkaTopic(PREFIX + "dead-letter-topic", defaultDeadLetters);
        if (config.maxPayloadBytes() < 1) {
            throw new BadRuleException(PREFIX + "max-payload-bytes", "must be at least 1, not " + config.maxPayloadBytes());
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<IngestConfig.Rule> configured = config.rules();
        for (int i = 0; i < configured.size(); i++) {
            IngestConfig.Rule rule = configured.get(i);
            if (!rule.enabled()) {
                continue;
            }
            Rule parsed = parse(PREFIX + "rules[" + i + "].", rule, defaultDeadLetters);
            if (!names.add(parsed.name())) {
                throw new BadRuleException(PREFIX + "rules[" + i + "].name", "'" + parsed.name() + "' is the name of an earlier rule too");
            }
            rules.add(parsed);
        }
        if (rules.isEmpty()) {
            throw new BadRuleException(PREFIX + "rules", "no enabled rule: the connector would have nothing to read");
        }
        return new Rules(rules, defaultDeadLetters);
    }

    private static Rule parse(String key, IngestConfig.Rule rule, String defaultDeadLetters) {
        String name = required(key + "name", rule.name());
        if (!name.matches("[a-zA-Z0-9._-]{1,64}")) {
            throw new BadRuleException(key + "name", "'" + name + "' must be 1-64 of a-z A-Z 0-9 . _ -");
        }
        String source = requireKafkaTopic(key + "source", required(key + "source", rule.source()));
        String target = requireKafkaTopic(key + "target", required(key + "target", rule.target()));
        String deadLetters = requireKafkaTopic(key + "dead-letter-topic", rule.deadLetterTopic().orElse(defaultDeadLetters));
        if (target.equals(source)) {
            throw new BadRuleException(key + "target", "'" + target + "' is the rule's source too");
        }
        if (deadLetters.equals(source)) {
            throw new BadRuleException(key + "dead-letter-topic", "'" + deadLetters + "' is the rule's source too");
        }
        String type = required(key + "type", rule.type());
        if (!type.matches(EVENT_TYPE)) {
            throw new BadRuleException(key + "type", "'" + type + "' must be 1-255 printable ASCII characters without spaces");
        }
        TopicPattern filter;
        try {
            filter = TopicPattern.parse(rule.filter());
        } catch (IllegalArgumentException e) {
            throw new BadRuleException(key + "filter", e.getMessage());
        }
        Rule.Format format = switch (rule.format().strip().toLowerCase(Locale.ROOT)) {
            case "json" -> Rule.Format.JSON;
            case "binary" -> Rule.Format.BINARY;
            default -> throw new BadRuleException(key + "format", "'" + rule.format() + "' is neither json nor binary");
        };
        PayloadCheck check = null;
        if (format == Rule.Format.JSON) {
            check = check(key, rule);
        } else if (rule.schema().isPresent() || rule.required().isPresent()) {
            throw new BadRuleException(key + (rule.schema().isPresent() ? "schema" : "required"),
                    "a binary rule passes payloads through unchecked: give format=json to validate them");
        }
        DeviceId deviceId = deviceId(key + "device-id", required(key + "device-id", rule.deviceId()), filter, format);
        return new Rule(name, source, filter, target, type, format, check, deviceId, deadLetters);
    }

    private static PayloadCheck check(String key, IngestConfig.Rule rule) {
        if (rule.schema().isPresent() && rule.required().isPresent()) {
            throw new BadRuleException(key + "required", "give a schema or required fields, not both");
        }
        if (rule.schema().isPresent()) {
            try {
                return JsonSchemaCheck.load(rule.schema().get().strip());
            } catch (IllegalArgumentException e) {
                throw new BadRuleException(key + "schema", e.getMessage());
            }
        }
        if (rule.required().isPresent()) {
            try {
                return RequiredFields.parse(rule.required().get());
            } catch (IllegalArgumentException e) {
                throw new BadRuleException(key + "required", e.getMessage());
            }
        }
        return PayloadCheck.NONE;
    }

    private static DeviceId deviceId(String key, String value, TopicPattern filter, Rule.Format format) {
        if (value.startsWith("{") && value.endsWith("}") && value.length() > 2) {
            String level = value.substring(1, value.length() - 1);
            int index = filter.levelIndex(level);
            if (index < 0) {
                throw new BadRuleException(key, "'" + value + "' is not a named level of the filter '" + filter
                        + "' (named levels: " + filter.levelNames() + ")");
            }
            return new DeviceId.Level(level, index);
        }
        if (value.startsWith("/")) {
            if (format == Rule.Format.BINARY) {
                throw new BadRuleException(key, "a binary rule's payload has no fields: use a {level} of the filter");
            }
            try {
                return new DeviceId.Field(JsonPointer.compile(value));
            } catch (IllegalArgumentException e) {
                throw new BadRuleException(key, "'" + value + "' is not a JSON Pointer: " + e.getMessage());
            }
        }
        throw new BadRuleException(key, "'" + value + "' is neither a {level} of the filter nor a JSON Pointer such as /vehicle");
    }

    private static String required(String key, Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            throw new BadRuleException(key, "missing");
        }
        return value.get().strip();
    }

    private static String requireKafkaTopic(String key, String topic) {
        if (!topic.matches(KAFKA_TOPIC) || topic.equals(".") || topic.equals("..")) {
            throw new BadRuleException(key, "'" + topic + "' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
        return topic;
    }
}
