package dev.tributary.edge.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The ordered mapping rules: the first that matches a topic decides; none matching means not mirrored. */
public final class MappingRules {

    private final List<MappingRule> rules;

    public MappingRules(List<MappingRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rule for {@code mqttTopic}, or null when no rule matches. */
    public MappingRule ruleFor(String mqttTopic) {
        for (MappingRule rule : rules) {
            if (rule.matches(mqttTopic)) {
                return rule;
            }
        }
        return null;
    }

    /** Every Kafka topic a rule names, for creating them at start-up. */
    public Set<String> kafkaTopics() {
        Set<String> topics = new TreeSet<>();
        rules.forEach(r -> topics.add(r.kafkaTopic()));
        return topics;
    }

    public List<MappingRule> rules() {
        return new ArrayList<>(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }
}
