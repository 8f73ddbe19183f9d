package dev.tributary.common.topic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MQTT topic filter whose levels may be named, such as {@code fleet/{vehicle}/telemetry}: a level
 * written {@code {name}} matches one level like {@code +}, and its value in a matching topic can be read
 * by name. The syntax of the edge's mapping rules and the ingest-connector's rules.
 */
public final class TopicPattern {

    private final String pattern;
    private final Topics.Prepared filter;
    private final Map<String, Integer> named;

    private TopicPattern(String pattern, String filter, Map<String, Integer> named) {
        this.pattern = pattern;
        this.filter = Topics.prepare(filter);
        this.named = Collections.unmodifiableMap(named);
    }

    /**
     * Parses {@code pattern}; the exception's message says what is wrong (without naming where the
     * pattern came from: the caller adds that).
     */
    public static TopicPattern parse(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("an MQTT topic filter is needed");
        }
        String[] levels = Topics.levels(pattern);
        Map<String, Integer> named = new LinkedHashMap<>();
        List<String> filterLevels = new ArrayList<>(levels.length);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.startsWith("{") && level.endsWith("}") && level.length() > 2) {
                String name = level.substring(1, level.length() - 1);
                if (named.put(name, i) != null) {
                    throw new IllegalArgumentException("'" + pattern + "': level name {" + name + "} is used twice");
                }
                filterLevels.add("+");
            } else if (level.contains("{") || level.contains("}")) {
                throw new IllegalArgumentException("'" + pattern + "': a named level must be a whole level, like {name}");
            } else {
                filterLevels.add(level);
            }
        }
        String filter = String.join("/", filterLevels);
        String problem = Topics.filterProblem(filter, TopicLimits.SPEC);
        if (problem != null) {
            throw new IllegalArgumentException("'" + pattern + "' is not a valid MQTT filter: " + problem);
        }
        return new TopicPattern(pattern, filter, named);
    }

    public boolean matches(String topic) {
        return filter.matches(topic);
    }

    /** The index of the level named {@code name}, or -1 when the pattern has no such level. */
    public int levelIndex(String name) {
        Integer index = named.get(name);
        return index == null ? -1 : index;
    }

    /** The names of the pattern's named levels, in order. */
    public List<String> levelNames() {
        return List.copyOf(named.keySet());
    }

    /** The plain MQTT filter, each named level written {@code +}. */
    public String filter() {
        return filter.filter();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
