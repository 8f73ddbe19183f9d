package dev.tributary.edge.mirror;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.common.topic.Topics;

/**
 * One MQTT → Kafka mapping rule: an MQTT topic filter whose levels may be named
 * ({@code fleet/{vehicle}/#}), the Kafka topic its messages go to, and what becomes the record key.
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
        String[] levels = Topics.levels(pattern);
        Map<String, Integer> named = new HashMap<>();
        List<String> filterLevels = new ArrayList<>(levels.length);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.startsWith("{") && level.endsWith("}") && level.length() > 2) {
                String name = level.substring(1, level.length() - 1);
                if (named.put(name, i) != null) {
                    throw new IllegalArgumentException("rule '" + pattern + "': level name {" + name + "} is used twice");
                }
                filterLevels.add("+");
            } else if (level.contains("{") || level.contains("}")) {
                throw new IllegalArgumentException("rule '" + pattern + "': a named level must be a whole level, like {name}");
            } else {
                filterLevels.add(level);
            }
        }
        String filter = String.join("/", filterLevels);
        String problem = Topics.filterProblem(filter, TopicLimits.SPEC);
        if (problem != null) {
            throw new IllegalArgumentException("rule '" + pattern + "': not a valid MQTT filter: " + problem);
        }
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
                Integer level = named.get(name);
                if (level == null) {
                    throw new IllegalArgumentException("rule '" + pattern + "': key '" + key
                            + "' is neither topic, client-id, none nor a named level of the filter " + named.keySet());
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
