package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tributary.common.auth.AclCheck.Subject;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

class AclCheckTest {

    /** A fleet's usual rules: each vehicle its own subtree, operators read everything, one vehicle banned. */
    private static final List<AclRule> RULES = List.of(
            new AclRule(Who.USER, "v13", "fleet/#", Action.BOTH, false),
            new AclRule(Who.ANY, null, "fleet/${clientid}/#", Action.BOTH, true),
            new AclRule(Who.ANY, null, "users/${username}/#", Action.BOTH, true),
            new AclRule(Who.GROUP, "operators", "fleet/+/commands", Action.PUBLISH, true),
            new AclRule(Who.GROUP, "operators", "#", Action.SUBSCRIBE, true),
            new AclRule(Who.ANY, null, "public/#", Action.SUBSCRIBE, true));

    @ParameterizedTest(name = "{0}/{1} publish {2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            v1       | v1    | fleet/v1/telemetry | true
            v1       | v1    | fleet/v2/telemetry | false
            v13      | v13   | fleet/v13/telemetry| false
            alice    | web-1 | users/alice/notes  | true
            alice    | web-1 | users/bob/notes    | false
            null     | v1    | fleet/v1/telemetry | true
            v1       | v1    | public/news        | false
            v1       | v1    | elsewhere          | false
            """)
    void publish_firstApplicableRuleDecides_andNothingApplicableDenies(String user, String clientId, String topic,
            boolean allowed) {
        assertThat(AclCheck.mayPublish(RULES, new Subject(user, clientId, List.of()), topic)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} subscribe {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            v1    | fleet/v1/#          | true
            v1    | fleet/v1/commands   | true
            v1    | fleet/+/commands    | false
            v1    | fleet/#             | false
            v1    | public/#            | true
            v1    | #                   | false
            """)
    void subscribe_allowedOnlyWhenAnAllowRuleCoversTheWholeFilter(String clientId, String filter, boolean allowed) {
        assertThat(AclCheck.maySubscribe(RULES, new Subject(clientId, clientId, List.of()), filter)).isEqualTo(allowed);
    }

    @Test
    void subscribe_aDenyRuleTouchingAnyPartOfTheFilterRefusesIt() {
        List<AclRule> rules = List.of(
                new AclRule(Who.ANY, null, "fleet/secret/#", Action.SUBSCRIBE, false),
                new AclRule(Who.ANY, null, "fleet/#", Action.SUBSCRIBE, true));
        Subject anyone = new Subject("u", "c", List.of());
        assertThat(AclCheck.maySubscribe(rules, anyone, "fleet/#")).as("would include fleet/secret").isFalse();
        assertThat(AclCheck.maySubscribe(rules, anyone, "fleet/+/telemetry")).as("fleet/secret/telemetry").isFalse();
        assertThat(AclCheck.maySubscribe(rules, anyone, "fleet/v1/telemetry")).isTrue();
    }

    @Test
    void groupRules_applyToMembersOnly() {
        Subject operator = new Subject("olga", "console", List.of("operators"));
        Subject device = new Subject("v1", "v1", List.of());
        assertThat(AclCheck.maySubscribe(RULES, operator, "#")).isTrue();
        assertThat(AclCheck.mayPublish(RULES, operator, "fleet/v7/commands")).isTrue();
        assertThat(AclCheck.mayPublish(RULES, device, "fleet/v7/commands")).isFalse();
    }

    /** The hole other brokers had: a client id of "#" or "+" substituted into fleet/${clientid}/#. */
    @ParameterizedTest(name = "client id {0} subscribing {1} is refused")
    @CsvSource(delimiter = '|', textBlock = """
            #      | fleet/#
            #      | fleet/#/#
            +      | fleet/+/#
            +      | fleet/+/telemetry
            a/b    | fleet/a/b/#
            ''     | fleet//#
            """)
    void wildcardOrSlashInAClientId_neverWidensAPlaceholderRule(String clientId, String filter) {
        Subject sneaky = new Subject("mallory", clientId, List.of());
        assertThat(AclCheck.maySubscribe(RULES, sneaky, filter)).isFalse();
        assertThat(AclCheck.mayPublish(RULES, sneaky, "fleet/v1/telemetry")).isFalse();
    }

    @Test
    void aClientIdStartingWithDollar_cannotReachTheBrokersSysTopics() {
        List<AclRule> ownTree = List.of(new AclRule(Who.ANY, null, "${clientid}/#", Action.BOTH, true));
        assertThat(AclCheck.maySubscribe(ownTree, new Subject("u", "$SYS", List.of()), "$SYS/#")).isFalse();
        assertThat(AclCheck.maySubscribe(ownTree, new Subject("u", "box-1", List.of()), "box-1/#")).isTrue();
    }

    @Test
    void wildcardInAUsername_neverWidensAPlaceholderRule() {
        Subject sneaky = new Subject("#", "c", List.of());
        assertThat(AclCheck.maySubscribe(RULES, sneaky, "users/#")).isFalse();
        assertThat(AclCheck.mayPublish(RULES, sneaky, "users/alice/notes")).isFalse();
    }

    @Test
    void ruleProblem_acceptsWholeLevelPlaceholders_andRefusesTheRest() {
        assertThat(AclCheck.ruleProblem("fleet/${clientid}/#")).isNull();
        assertThat(AclCheck.ruleProblem("users/${username}")).isNull();
        assertThat(AclCheck.ruleProblem("fleet/v${clientid}/#")).contains("whole level");
        assertThat(AclCheck.ruleProblem("fleet/#/x")).contains("not a valid");
        assertThat(AclCheck.ruleProblem("")).contains("empty");
    }
}
