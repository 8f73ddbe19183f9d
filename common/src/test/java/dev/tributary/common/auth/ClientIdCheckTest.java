package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AclCheck.Subject;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

class ClientIdCheckTest {

    private static Subject subject(String user, String clientId, String... groups) {
        return new Subject(user, clientId, List.of(groups));
    }

    @ParameterizedTest(name = "{0} as {1}: {2}")
    @CsvSource({
            "v1, v1, true",
            "v1, v1-engine, true",
            "v1, v1-, false",
            "v1, v10, false",
            "v1, v2, false",
            "v1, v2-v1, false",
            "v1, xv1, false",
            "v1, V1, false",
            "a-b, a-b-c, true",
    })
    void withoutConnectRulesAUserHasItsNameAndItsNameWithASuffix(String user, String clientId, boolean allowed) {
        assertThat(ClientIdCheck.mayConnect(List.of(), subject(user, clientId))).isEqualTo(allowed);
    }

    @Test
    void anAnonymousClientKeepsAnyIdWithoutConnectRules() {
        assertThat(ClientIdCheck.mayConnect(List.of(), subject(null, "anything-at-all"))).isTrue();
    }

    @Test
    void topicRulesDoNotDecideConnectsNotEvenBoth() {
        List<AclRule> rules = List.of(new AclRule(Who.ANY, null, "#", Action.BOTH, true),
                new AclRule(Who.ANY, null, "v2", Action.BOTH, true));
        assertThat(ClientIdCheck.mayConnect(rules, subject("v1", "v2"))).isFalse();
        assertThat(Action.BOTH.covers(Action.CONNECT)).isFalse();
        assertThat(Action.CONNECT.covers(Action.PUBLISH)).isFalse();
        assertThat(Action.CONNECT.covers(Action.SUBSCRIBE)).isFalse();
    }

    @Test
    void theFirstMatchingConnectRuleDecidesThenTheDefault() {
        List<AclRule> rules = List.of(
                new AclRule(Who.USER, "v1", "v1", Action.CONNECT, false),
                new AclRule(Who.GROUP, "gateways", "site-*-gw-${username}", Action.CONNECT, true),
                new AclRule(Who.ANY, null, "legacy-*", Action.CONNECT, true));
        assertThat(ClientIdCheck.mayConnect(rules, subject("v1", "v1"))).as("denied by the first rule").isFalse();
        assertThat(ClientIdCheck.mayConnect(rules, subject("v1", "v1-x"))).as("default").isTrue();
        assertThat(ClientIdCheck.mayConnect(rules, subject("g7", "site-42-gw-g7", "gateways"))).isTrue();
        assertThat(ClientIdCheck.mayConnect(rules, subject("g7", "site-42-gw-g8", "gateways"))).isFalse();
        assertThat(ClientIdCheck.mayConnect(rules, subject("g7", "site-42-gw-g7"))).as("not in the group").isFalse();
        assertThat(ClientIdCheck.mayConnect(rules, subject("anyone", "legacy-7"))).isTrue();
    }

    @Test
    void anAllowEverythingRuleRestoresFreeClientIds() {
        List<AclRule> rules = List.of(new AclRule(Who.ANY, null, "*", Action.CONNECT, true));
        assertThat(ClientIdCheck.mayConnect(rules, subject("v1", "v2"))).isTrue();
    }

    @Test
    void anAsteriskInTheUserNameIsNoWildcard() {
        List<AclRule> rules = List.of(new AclRule(Who.ANY, null, "dev-${username}", Action.CONNECT, true));
        assertThat(ClientIdCheck.mayConnect(rules, subject("a*", "dev-a*"))).isTrue();
        assertThat(ClientIdCheck.mayConnect(rules, subject("a*", "dev-abc"))).isFalse();
    }

    @Test
    void aUserNamePlaceholderFailsClosedForAnonymousClients() {
        List<AclRule> allow = List.of(new AclRule(Who.ANY, null, "${username}-*", Action.CONNECT, true),
                new AclRule(Who.ANONYMOUS, null, "*", Action.CONNECT, false));
        assertThat(ClientIdCheck.mayConnect(allow, subject(null, "-x"))).as("the allow rule allows nothing").isFalse();
        List<AclRule> deny = List.of(new AclRule(Who.ANY, null, "${username}-cam", Action.CONNECT, false));
        assertThat(ClientIdCheck.mayConnect(deny, subject(null, "door-cam"))).as("the deny rule reads the placeholder as *").isFalse();
        assertThat(ClientIdCheck.mayConnect(deny, subject(null, "door-lock"))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "a*b*c, abc, true",
            "a*b*c, aXbYc, true",
            "a*b*c, ab, false",
            "a*a, a, false",
            "a*a, aa, true",
            "*, '', true",
            "**x, x, true",
            "x*, xy, true",
            "*y, xy, true",
            "*b*, abc, true",
            "*b*, ac, false",
    })
    void patternsMatchWithAsteriskAsAnyRun(String pattern, String clientId, boolean matches) {
        assertThat(ClientIdCheck.matches(pattern, "u", true, clientId)).isEqualTo(matches);
    }

    @Test
    void badPatternsAreNamed() {
        assertThat(ClientIdCheck.patternProblem("")).contains("empty");
        assertThat(ClientIdCheck.patternProblem("x-${clientid}")).contains("only placeholder");
        assertThat(ClientIdCheck.patternProblem("${username}-*")).isNull();
        assertThat(ClientIdCheck.patternProblem("x".repeat(2000))).contains("longer");
    }
}
