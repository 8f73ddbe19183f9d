package dev.tributary.ingest.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RuleParserTest {

    private static Map<String, String> with(String key, String value) {
        Map<String, String> m = new HashMap<>();
        m.put(key, value);
        return TestRules.telemetryRule(m);
    }

    private static void rejected(Map<String, String> properties, String key, String why) {
        assertThatThrownBy(() -> TestRules.parse(properties)).isInstanceOf(RuleParser.BadRuleException.class)
                .hasMessageStartingWith(key + ": ").hasMessageContaining(why);
    }

    @Test
    void theDefaultTelemetryRuleParses_withItsSchemaAndTopicLevelDeviceId() {
        Rules rules = TestRules.parse(TestRules.telemetryRule(Map.of()));
        assertThat(rules.sourceTopics()).containsExactly("tributary.fleet.raw");
        assertThat(rules.curatedTopics()).containsExactly("tributary.fleet.curated");
        assertThat(rules.deadLetterTopics()).containsExactly("tributary.fleet.dlq");
        Rule rule = rules.ruleFor("tributary.fleet.raw", "fleet/v7/telemetry");
        assertThat(rule.name()).isEqualTo("fleet-telemetry");
        assertThat(rule.deviceId().of("fleet/v7/telemetry", null)).isEqualTo("v7");
        assertThat(rules.ruleFor("tributary.fleet.raw", "fleet/v7/status")).isNull();
        assertThat(rules.ruleFor("other.topic", "fleet/v7/telemetry")).isNull();
    }

    @Test
    void aMissingSourceIsRejected_namingTheKey() {
        rejected(with("tributary.ingest.rules[0].source", null), "tributary.ingest.rules[0].source", "missing");
    }

    @Test
    void anInvalidTargetTopicIsRejected_namingTheKey() {
        rejected(with("tributary.ingest.rules[0].target", "no spaces allowed"), "tributary.ingest.rules[0].target",
                "not a valid Kafka topic name");
    }

    @Test
    void aTargetEqualToTheSourceIsRejected() {
        rejected(with("tributary.ingest.rules[0].target", "tributary.fleet.raw"), "tributary.ingest.rules[0].target",
                "source too");
    }

    @Test
    void anUnknownFormatIsRejected_namingTheKey() {
        rejected(with("tributary.ingest.rules[0].format", "xml"), "tributary.ingest.rules[0].format", "neither json nor binary");
    }

    @Test
    void anInvalidFilterIsRejected_namingTheKey() {
        rejected(with("tributary.ingest.rules[0].filter", "fleet/#/telemetry"), "tributary.ingest.rules[0].filter",
                "must be the last level");
    }

    @Test
    void aDeviceIdLevelTheFilterDoesNotNameIsRejected() {
        rejected(with("tributary.ingest.rules[0].device-id", "{car}"), "tributary.ingest.rules[0].device-id",
                "not a named level");
    }

    @Test
    void aDeviceIdThatIsNeitherLevelNorPointerIsRejected() {
        rejected(with("tributary.ingest.rules[0].device-id", "vehicle"), "tributary.ingest.rules[0].device-id",
                "JSON Pointer");
    }

    @Test
    void aMissingSchemaFileIsRejected_namingTheKey() {
        rejected(with("tributary.ingest.rules[0].schema", "/nonexistent/schema.json"), "tributary.ingest.rules[0].schema",
                "cannot read");
    }

    @Test
    void aSchemaThatIsNotJsonIsRejected() {
        rejected(with("tributary.ingest.rules[0].schema", "classpath:application.properties"),
                "tributary.ingest.rules[0].schema", "application.properties");
    }

    @Test
    void schemaAndRequiredFieldsTogetherAreRejected() {
        rejected(with("tributary.ingest.rules[0].required", "vehicle:string"), "tributary.ingest.rules[0].required",
                "not both");
    }

    @Test
    void aRequiredFieldOfUnknownTypeIsRejected() {
        Map<String, String> p = with("tributary.ingest.rules[0].schema", null);
        p.put("tributary.ingest.rules[0].required", "vehicle:text");
        rejected(p, "tributary.ingest.rules[0].required", "'vehicle:text'");
    }

    @Test
    void aBinaryRuleWithASchemaIsRejected() {
        rejected(with("tributary.ingest.rules[0].format", "binary"), "tributary.ingest.rules[0].schema", "binary rule");
    }

    @Test
    void twoRulesWithOneNameAreRejected() {
        Map<String, String> p = TestRules.telemetryRule(Map.of());
        p.put("tributary.ingest.rules[1].name", "fleet-telemetry");
        p.put("tributary.ingest.rules[1].source", "tributary.fleet.raw");
        p.put("tributary.ingest.rules[1].target", "tributary.fleet.curated");
        p.put("tributary.ingest.rules[1].type", "t");
        p.put("tributary.ingest.rules[1].format", "binary");
        p.put("tributary.ingest.rules[1].device-id", "{v}");
        p.put("tributary.ingest.rules[1].filter", "x/{v}");
        rejected(p, "tributary.ingest.rules[1].name", "earlier rule");
    }

    @Test
    void noEnabledRuleIsRejected() {
        rejected(with("tributary.ingest.rules[0].enabled", "false"), "tributary.ingest.rules", "no enabled rule");
    }

    @Test
    void anInvalidDefaultDeadLetterTopicIsRejected() {
        rejected(with("tributary.ingest.dead-letter-topic", "a/b"), "tributary.ingest.dead-letter-topic",
                "not a valid Kafka topic name");
    }
}
