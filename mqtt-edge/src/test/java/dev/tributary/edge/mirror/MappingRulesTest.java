package dev.tributary.edge.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MappingRulesTest {

    private static final MappingRules RULES = new MappingRules(List.of(
            MappingRule.parse("fleet/{vehicle}/telemetry", "fleet.telemetry", "vehicle"),
            MappingRule.parse("fleet/{vehicle}/#", "fleet.other", "client-id"),
            MappingRule.parse("sensors/+/{room}/temp", "sensors.temp", "{room}"),
            MappingRule.parse("logs/#", "logs", "none"),
            MappingRule.parse("#", "mqtt.default", "topic")));

    @ParameterizedTest(name = "{0} from {1} -> {2} key {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            fleet/v42/telemetry    | dev-1 | fleet.telemetry | v42
            fleet/v42/status       | dev-1 | fleet.other     | dev-1
            fleet/v42              | dev-1 | fleet.other     | dev-1
            sensors/b1/kitchen/temp| s-9   | sensors.temp    | kitchen
            logs/a/b               | x     | logs            | NULL
            anything/else          | x     | mqtt.default    | anything/else
            """)
    void firstMatchingRuleDecidesTopicAndKey(String mqttTopic, String clientId, String kafkaTopic, String key) {
        MappingRule rule = RULES.ruleFor(mqttTopic);
        assertThat(rule.kafkaTopic()).isEqualTo(kafkaTopic);
        assertThat(rule.key(mqttTopic, clientId)).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0} / {1} / {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            fleet/{v}/#         | ok.topic  | nope      | neither topic, client-id, none nor a named level
            fleet/#/x           | ok.topic  | topic     | not a valid MQTT filter
            fleet/{v}x/y        | ok.topic  | topic     | must be a whole level
            a/{v}/{v}           | ok.topic  | topic     | used twice
            a/b                 | bad topic | topic     | not a valid Kafka topic name
            """)
    void invalidRulesAreRefusedWithAReason(String pattern, String kafkaTopic, String key, String reason) {
        assertThatThrownBy(() -> MappingRule.parse(pattern, kafkaTopic, key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    @org.junit.jupiter.api.Test
    void unmatchedTopicsAreNotMirrored() {
        MappingRules rules = new MappingRules(List.of(MappingRule.parse("fleet/#", "fleet", "topic")));
        assertThat(rules.ruleFor("other/topic")).isNull();
        assertThat(rules.ruleFor("$SYS/broker/uptime")).isNull();
    }
}
