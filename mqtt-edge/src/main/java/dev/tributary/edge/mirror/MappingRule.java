package dev.tributary.edge.mirror;

import java.util.Locale;

import dev.tributary.common.topic.TopicPattern;
import dev.tributary.common.topic.Topics;

/**
 * One MQTT → Kafka mapping rule: an MQTT topic filter whose levels may be named
 * ({@code fleet/{vehicle}/#}, a {@link TopicPattern} as the ingest-connector's rules use), the Kafka topic
 * its messages go to, and what becomes the record key.
 */
public final class MappingRule {

    /** What a mirrored record's key is. */
    public enum KeyKind { TOPIC, CLIENT_ID, LEVEL, NONE }

    private final String pattern;
    private final String filter;
    private final String kafkaTopic;
    private final KeyKind keyKind;
    private final int keyLevel;

    private MappingRule(String pattern, String filter, String kafkaTopic, KeyKind keyKind, int keyLevel) {
        this.pattern = pattern;
        this.filter = filter;
        this.kafkaTopic = kafkaTopic;
        this.keyKind = keyKind;
        this.keyLevel = keyLevel;
    }

    /**
     * Parses and validates a rule; the exception's message says what is wrong and where.
     *
     * @param pattern MQTT filter, a level written {@code {name}} matches like {@code +} and can be the key
     * @param kafkaTopic the Kafka topic (legal Kafka topic characters only)
     * @param key {@code topic}, {@code client-id}, {@code none}, or the name of a level of the pattern
     */
    public static MappingRule parse(String pattern, String kafkaTopic, String key) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("a mapping rule needs an MQTT filter");
        }
        TopicPattern parsed;
        try {
            parsed = TopicPattern.parse(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule " + e.getMessage(), e);
        }
        String filter = parsed.filter();
        if (kafkaTopic == null || !kafkaTopic.matches("[a-zA-Z0-9._-]{1,249}") || kafkaTopic.equals(".") || kafkaTopic.equals("..")) {
            throw new IllegalArgumentException("rule '" + pattern + "': '" + kafkaTopic
                    + "' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
        String keyChoice = key == null ? "topic" : key.trim();
        switch (keyChoice.toLowerCase(Locale.ROOT)) {
            case "topic":
                return new MappingRule(pattern, filter, kafkaTopic, KeyKind.TOPIC, -1);
            case "client-id":
                return new MappingRule(pattern, filter, kafkaTopic, KeyKind.CLIENT_ID, -1);
            case "none":
                return new MappingRule(pattern, filter, kafkaTopic, KeyKind.NONE, -1);
            default:
                String name = keyChoice.startsWith("{") && keyChoice.endsWith("}")
                        ? keyChoice.substring(1, keyChoice.length() - 1) : keyChoice;
                int level = parsed.levelIndex(name);
                if (level < 0) {
                    throw new IllegalArgumentException("rule '" + pattern + "': key '" + key
                            + "' is neither topic, client-id, none nor a named level of the filter " + parsed.levelNames());
                }
                return new MappingRule(pattern, filter, kafkaTopic, KeyKind.LEVEL, level);
        }
    }

    public boolean matches(String mqttTopic) {
        return Topics.matches(filter, mqttTopic);
    }

    /** The record key for a message on {@code mqttTopic} from {@code clientId}, or null for none. */
    public String key(String mqttTopic, String clientId) {
        switch (keyKind) {
            case TOPIC:
                return mqttTopic;
            case CLIENT_ID:
                return clientId;
            case LEVEL:
                return Topics.level(mqttTopic, keyLevel);
            default:
                return null;
        }
    }

    public String kafkaTopic() {
        return kafkaTopic;
    }

    public String filter() {
        return filter;
    }

    @Override
    public String toString() {
        return pattern + " -> " + kafkaTopic + " (key " + keyKind.name().toLowerCase(Locale.ROOT)
                + (keyKind == KeyKind.LEVEL ? " " + keyLevel : "") + ")";
    }
}
