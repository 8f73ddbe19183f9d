package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tributary.common.auth.AclCheck.Subject;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.topic.TopicUniverse;
import dev.tributary.common.topic.Topics;

class AclCheckTest {

    /** A fleet's usual rules: each vehicle its own subtree, operators read everything, one vehicle banned. */
    private static final List<AclRule> RULES = List.of(
            new AclRule(Who.USER, "v13", "fleet/#", Action.BOTH, false),
            new AclRule(Who.ANY, null, "fleet/${clientid}/#", Action.BOTH, true),
            new AclRule(Who.ANY, null, "users/${username}/#", Action.BOTH, true),
            new AclRule(Who.GROUP, "operators", "fleet/+/commands", Action.PUBLISH, true),
            new AclRule(Who.GROUP, "operators", "#", Action.SUBSCRIBE, true),
            new AclRule(Who.ANY, null, "public/#", Action.SUBSCRIBE, true));

    /** The natural ACL "everyone may do everything except receive secret/#", with an exception for insiders. */
    private static final List<AclRule> SECRET = List.of(
            new AclRule(Who.GROUP, "insiders", "secret/#", Action.SUBSCRIBE, true),
            new AclRule(Who.ANY, null, "secret/#", Action.SUBSCRIBE, false),
            new AclRule(Who.ANY, null, "#", Action.BOTH, true));

    private static Subject subject(String user, String clientId, String groups) {
        return new Subject(user, clientId, groups == null || groups.isBlank() ? List.of() : Arrays.asList(groups.split(",")));
    }

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

    /**
     * SUBSCRIBE is granted when some topic under the filter could be received, wholly allowed when every
     * topic could; a filter starting with a wildcard never reaches $ topics [MQTT-4.7.2-1].
     */
    @ParameterizedTest(name = "{0} in [{1}] subscribe {2}: granted {3}, wholly {4}")
    @CsvSource(delimiter = '|', textBlock = """
            v1    | ''        | fleet/v1/#         | true  | true
            v1    | ''        | fleet/v1/commands  | true  | true
            v1    | ''        | fleet/+/commands   | true  | false
            v1    | ''        | fleet/#            | true  | false
            v1    | ''        | public/#           | true  | true
            v1    | ''        | #                  | true  | false
            v1    | ''        | +/+                | true  | false
            v1    | ''        | elsewhere/#        | false | false
            v1    | ''        | $SYS/#             | false | false
            v13   | ''        | fleet/#            | false | false
            v13   | ''        | fleet/v13/status   | false | false
            v13   | ''        | #                  | true  | false
            olga  | operators | #                  | true  | true
            olga  | operators | $SYS/#             | false | false
            olga  | operators | fleet/+/commands   | true  | true
            """)
    void subscribe_isGrantedWhenSomeTopicUnderTheFilterCouldBeReceived(String user, String groups, String filter,
            boolean granted, boolean wholly) {
        Subject s = subject(user, user, groups);
        assertThat(AclCheck.maySubscribe(RULES, s, filter)).as("granted").isEqualTo(granted);
        assertThat(AclCheck.mayReceiveAll(RULES, s, filter)).as("wholly allowed").isEqualTo(wholly);
    }

    @ParameterizedTest(name = "{0} in [{1}] receives {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            v1    | ''        | fleet/v1/commands  | true
            v1    | ''        | fleet/v2/telemetry | false
            v1    | ''        | public/news        | true
            v1    | ''        | users/v1/inbox     | true
            v1    | ''        | elsewhere          | false
            v13   | ''        | fleet/v13/commands | false
            v13   | ''        | public/news        | true
            olga  | operators | fleet/v2/telemetry | true
            olga  | operators | $SYS/broker/uptime | false
            """)
    void receive_eachDeliveryIsDecidedByTheFirstRuleMatchingItsTopic(String user, String groups, String topic,
            boolean received) {
        assertThat(AclCheck.mayReceive(RULES, subject(user, user, groups), topic)).isEqualTo(received);
    }

    /** The case Mosquitto users expect: # is granted, the deny rule withholds only the secret messages. */
    @ParameterizedTest(name = "[{0}] subscribe {1}: granted {2}, wholly {3}")
    @CsvSource(delimiter = '|', textBlock = """
            ''       | #          | true  | false
            ''       | +/+        | true  | false
            ''       | +          | true  | false
            ''       | +/x        | true  | false
            ''       | a/#        | true  | true
            ''       | secret/#   | false | false
            ''       | secret/+   | false | false
            ''       | secret     | false | false
            ''       | $SYS/#     | false | false
            insiders | secret/#   | true  | true
            insiders | #          | true  | true
            """)
    void denyRuleOnPartOfAFilter_grantsTheFilter_andIsLeftToEachDelivery(String groups, String filter, boolean granted,
            boolean wholly) {
        Subject s = subject("u", "c", groups);
        assertThat(AclCheck.maySubscribe(SECRET, s, filter)).as("granted").isEqualTo(granted);
        assertThat(AclCheck.mayReceiveAll(SECRET, s, filter)).as("wholly allowed").isEqualTo(wholly);
    }

    @ParameterizedTest(name = "[{0}] receives {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''       | a/b             | true
            ''       | secret          | false
            ''       | secret/x        | false
            ''       | secret/x/y      | false
            ''       | secretive/x     | true
            ''       | $SYS/broker     | false
            insiders | secret/x        | true
            """)
    void denyRuleOnPartOfAFilter_withholdsOnlyTheDeniedTopics(String groups, String topic, boolean received) {
        assertThat(AclCheck.mayReceive(SECRET, subject("u", "c", groups), topic)).isEqualTo(received);
    }

    @Test
    void ruleOrder_theFirstMatchingRuleDecides_soADenyAfterAnAllowOfTheSameTopicsNeverApplies() {
        List<AclRule> allowFirst = List.of(
                new AclRule(Who.ANY, null, "#", Action.BOTH, true),
                new AclRule(Who.ANY, null, "secret/#", Action.SUBSCRIBE, false));
        Subject anyone = subject("u", "c", "");
        assertThat(AclCheck.mayReceive(allowFirst, anyone, "secret/x")).isTrue();
        assertThat(AclCheck.mayReceiveAll(allowFirst, anyone, "#")).isTrue();
        assertThat(AclCheck.maySubscribe(allowFirst, anyone, "secret/#")).isTrue();
    }

    @Test
    void aPublishOnlyRule_givesNoRightToReceive_andASubscribeOnlyRuleNoRightToPublish() {
        List<AclRule> rules = List.of(
                new AclRule(Who.ANY, null, "in/#", Action.PUBLISH, true),
                new AclRule(Who.ANY, null, "out/#", Action.SUBSCRIBE, true));
        Subject anyone = subject("u", "c", "");
        assertThat(AclCheck.maySubscribe(rules, anyone, "in/#")).isFalse();
        assertThat(AclCheck.mayReceive(rules, anyone, "in/x")).isFalse();
        assertThat(AclCheck.mayPublish(rules, anyone, "in/x")).isTrue();
        assertThat(AclCheck.maySubscribe(rules, anyone, "out/#")).isTrue();
        assertThat(AclCheck.mayPublish(rules, anyone, "out/x")).isFalse();
    }

    /** The documented approximation: the grant looks at one deny rule at a time. */
    @Test
    void aFilterShadowedOnlyBySeveralDenyRulesTogether_isGranted_andReceivesNothing() {
        List<AclRule> rules = List.of(
                new AclRule(Who.ANY, null, "a", Action.SUBSCRIBE, false),
                new AclRule(Who.ANY, null, "a/+/#", Action.SUBSCRIBE, false),
                new AclRule(Who.ANY, null, "a/#", Action.SUBSCRIBE, true));
        Subject anyone = subject("u", "c", "");
        assertThat(AclCheck.maySubscribe(rules, anyone, "a/#")).isTrue();
        for (String topic : List.of("a", "a/b", "a/b/c")) {
            assertThat(AclCheck.mayReceive(rules, anyone, topic)).as(topic).isFalse();
        }
        assertThat(AclCheck.maySubscribe(rules, anyone, "a/+")).as("covered by the single rule a/+/#").isFalse();
    }

    @Test
    void groupRules_applyToMembersOnly() {
        Subject operator = new Subject("olga", "console", List.of("operators"));
        Subject device = new Subject("v1", "v1", List.of());
        assertThat(AclCheck.maySubscribe(RULES, operator, "#")).isTrue();
        assertThat(AclCheck.mayPublish(RULES, operator, "fleet/v7/commands")).isTrue();
        assertThat(AclCheck.mayPublish(RULES, device, "fleet/v7/commands")).isFalse();
        assertThat(AclCheck.mayReceive(RULES, operator, "fleet/v7/telemetry")).isTrue();
        assertThat(AclCheck.mayReceive(RULES, device, "fleet/v7/telemetry")).isFalse();
    }

    @Test
    void anonymousRules_applyOnlyToClientsWithoutAUserName() {
        List<AclRule> rules = List.of(new AclRule(Who.ANONYMOUS, null, "public/#", Action.SUBSCRIBE, true));
        assertThat(AclCheck.maySubscribe(rules, new Subject(null, "kiosk", List.of()), "public/#")).isTrue();
        assertThat(AclCheck.maySubscribe(rules, new Subject("alice", "alice", List.of()), "public/#")).isFalse();
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
        assertThat(AclCheck.mayReceive(RULES, sneaky, "fleet/v1/telemetry")).isFalse();
    }

    /** A deny rule whose placeholder cannot be filled in denies what it would deny for any value. */
    @ParameterizedTest(name = "client id {0} receives {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            v1     | fleet/v1/secret     | false
            v1     | fleet/v2/secret     | true
            v1     | fleet/v1/telemetry  | true
            #      | fleet/v1/secret     | false
            #      | fleet/v2/secret     | false
            #      | fleet/v1/telemetry  | true
            a/b    | fleet/a/secret      | false
            """)
    void aDenyRuleWithAPlaceholderThatCannotBeFilledIn_failsClosed(String clientId, String topic, boolean received) {
        List<AclRule> rules = List.of(
                new AclRule(Who.ANY, null, "fleet/${clientid}/secret", Action.BOTH, false),
                new AclRule(Who.ANY, null, "fleet/#", Action.BOTH, true));
        Subject s = new Subject("u", clientId, List.of());
        assertThat(AclCheck.mayReceive(rules, s, topic)).isEqualTo(received);
        assertThat(AclCheck.mayPublish(rules, s, topic)).isEqualTo(received);
    }

    @Test
    void aClientIdStartingWithDollar_cannotReachTheBrokersSysTopics() {
        List<AclRule> ownTree = List.of(new AclRule(Who.ANY, null, "${clientid}/#", Action.BOTH, true));
        assertThat(AclCheck.maySubscribe(ownTree, new Subject("u", "$SYS", List.of()), "$SYS/#")).isFalse();
        assertThat(AclCheck.mayReceive(ownTree, new Subject("u", "$SYS", List.of()), "$SYS/broker/uptime")).isFalse();
        assertThat(AclCheck.maySubscribe(ownTree, new Subject("u", "box-1", List.of()), "box-1/#")).isTrue();
    }

    @Test
    void wildcardInAUsername_neverWidensAPlaceholderRule() {
        Subject sneaky = new Subject("#", "c", List.of());
        assertThat(AclCheck.maySubscribe(RULES, sneaky, "users/#")).isFalse();
        assertThat(AclCheck.mayPublish(RULES, sneaky, "users/alice/notes")).isFalse();
    }

    @Test
    void compiledRules_keepOnlyTheSubjectsOwnRules_andNameTheDecidingRule() {
        AclCheck.SubjectRules v1 = AclCheck.compile(RULES, subject("v1", "v1", ""), Action.SUBSCRIBE);
        assertThat(v1.size()).isEqualTo(3); // fleet/v1/#, users/v1/#, public/#
        assertThat(v1.decidingRule("public/news")).isEqualTo(5);
        assertThat(v1.decidingRule("elsewhere")).isEqualTo(-1);
        assertThat(v1.allows("fleet/v1/x")).isTrue();
    }

    /**
     * Against brute force over a small topic universe, for random rule lists and filters: a filter under
     * which some topic can be received is always granted, and a filter called wholly allowed has no denied
     * topic under it.
     */
    @Test
    void grantAndWhollyAllowed_agreeWithTopicByTopicDecisions_forRandomRules() {
        Random random = new Random(20261202);
        List<String> universe = TopicUniverse.topics();
        Subject anyone = subject("u", "c", "");
        int granted = 0;
        int wholly = 0;
        for (int round = 0; round < 3_000; round++) {
            List<AclRule> rules = new ArrayList<>();
            for (int i = random.nextInt(5) + 1; i > 0; i--) {
                rules.add(new AclRule(Who.ANY, null, TopicUniverse.randomFilter(random), random.nextBoolean() ? Action.SUBSCRIBE : Action.BOTH,
                        random.nextBoolean()));
            }
            String filter = TopicUniverse.randomFilter(random);
            boolean someReceived = false;
            boolean allReceived = true;
            for (String topic : universe) {
                if (Topics.matches(filter, topic)) {
                    boolean received = AclCheck.mayReceive(rules, anyone, topic);
                    someReceived |= received;
                    allReceived &= received;
                }
            }
            boolean grant = AclCheck.maySubscribe(rules, anyone, filter);
            boolean whole = AclCheck.mayReceiveAll(rules, anyone, filter);
            if (someReceived) {
                assertThat(grant).as("rules %s, filter %s: a receivable topic, so granted", rules, filter).isTrue();
            }
            if (whole) {
                assertThat(allReceived).as("rules %s, filter %s: wholly allowed", rules, filter).isTrue();
            }
            granted += grant ? 1 : 0;
            wholly += whole ? 1 : 0;
        }
        assertThat(granted).as("the random cases exercise both outcomes").isBetween(300, 2_700);
        assertThat(wholly).isBetween(100, 2_900);
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
