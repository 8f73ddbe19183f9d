package dev.tributary.ingest.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The enabled rules in their configured order, grouped by the raw topic they read. */
public final class Rules {

    private final List<Rule> all;
    private final Map<String, List<Rule>> bySource = new LinkedHashMap<>();
    private final String defaultDeadLetterTopic;

    Rules(List<Rule> rules, String defaultDeadLetterTopic) {
        this.all = List.copyOf(rules);
        this.defaultDeadLetterTopic = defaultDeadLetterTopic;
        for (Rule rule : rules) {
            bySource.computeIfAbsent(rule.source(), s -> new ArrayList<>()).add(rule);
        }
    }

    /** The first rule of {@code sourceTopic} whose filter matches {@code mqttTopic}, or null. */
    public Rule ruleFor(String sourceTopic, String mqttTopic) {
        List<Rule> candidates = bySource.get(sourceTopic);
        if (candidates == null || mqttTopic == null) {
            return null;
        }
        for (Rule rule : candidates) {
            if (rule.filter().matches(mqttTopic)) {
                return rule;
            }
        }
        return null;
    }

    public List<Rule> all() {
        return all;
    }

    /** Where a record that no rule takes goes. */
    public String defaultDeadLetterTopic() {
        return defaultDeadLetterTopic;
    }

    public Set<String> sourceTopics() {
        return bySource.keySet();
    }

    /** The topics the connector writes: every rule's target and dead-letter topic, and the default dead-letter topic. */
    public Set<String> curatedTopics() {
        Set<String> topics = new LinkedHashSet<>();
        all.forEach(r -> topics.add(r.target()));
        return topics;
    }

    public Set<String> deadLetterTopics() {
        Set<String> topics = new LinkedHashSet<>();
        all.forEach(r -> topics.add(r.deadLetterTopic()));
        topics.add(defaultDeadLetterTopic);
        return topics;
    }
}
