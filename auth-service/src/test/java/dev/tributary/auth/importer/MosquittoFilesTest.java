package dev.tributary.auth.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

class MosquittoFilesTest {

    @Test
    void passwd_readsUserAndHashPerLine_skippingCommentsAndBlanks() {
        var entries = MosquittoFiles.passwd("""
                # made by mosquitto_passwd
                dev1:$7$101$qeWTUDRynLkMu7lf$VdP6QRAPw0Cw5fDWz+eAAUVZ

                dev2:$6$8UaIC3a8cMYR8klp$oqFuB0hv
                """);
        assertThat(entries).extracting(MosquittoFiles.PasswdEntry::username).containsExactly("dev1", "dev2");
        assertThat(entries.get(1).hash()).isEqualTo("$6$8UaIC3a8cMYR8klp$oqFuB0hv");
        assertThatThrownBy(() -> MosquittoFiles.passwd("no colon here")).hasMessageContaining("line 1");
    }

    @Test
    void aclFile_keepsMosquittosOrder_blockDeniesThenBlockRulesThenPatternDeniesThenPatterns() {
        var imported = MosquittoFiles.aclFile("""
                # anonymous clients
                topic read $SYS/#

                user alice
                topic readwrite fleet/alice/#
                topic read public/#
                topic deny fleet/alice/secret
                user bob
                topic write ingest/bob
                topic fleet/bob/#
                pattern write fleet/%c/telemetry
                pattern deny users/%u/private
                pattern read users/%u/inbox
                """);
        assertThat(imported.rules()).containsExactly(
                new AclRule(Who.USER, "alice", "fleet/alice/secret", Action.BOTH, false),
                new AclRule(Who.ANONYMOUS, null, "$SYS/#", Action.SUBSCRIBE, true),
                new AclRule(Who.USER, "alice", "fleet/alice/#", Action.BOTH, true),
                new AclRule(Who.USER, "alice", "public/#", Action.SUBSCRIBE, true),
                new AclRule(Who.USER, "bob", "ingest/bob", Action.PUBLISH, true),
                new AclRule(Who.USER, "bob", "fleet/bob/#", Action.BOTH, true),
                new AclRule(Who.ANY, null, "users/${username}/private", Action.BOTH, false),
                new AclRule(Who.ANY, null, "fleet/${clientid}/telemetry", Action.PUBLISH, true),
                new AclRule(Who.ANY, null, "users/${username}/inbox", Action.SUBSCRIBE, true));
        assertThat(imported.skipped()).isEmpty();
    }

    @Test
    void aclFile_reportsLinesItCannotTakeOver() {
        var imported = MosquittoFiles.aclFile("""
                user alice
                topic read fleet/#/x
                pattern read fleet/v%c/x
                password_file /etc/passwd
                """);
        assertThat(imported.rules()).isEmpty();
        assertThat(imported.skipped()).hasSize(3).anySatisfy(line -> assertThat(line).contains("line 2", "not a valid"))
                .anySatisfy(line -> assertThat(line).contains("line 3", "whole level"))
                .anySatisfy(line -> assertThat(line).contains("line 4", "not an acl_file line"));
    }

    @Test
    void anAccessWordWithoutATopic_isSkipped_neverARuleOnTheTopicNamedLikeIt() {
        var imported = MosquittoFiles.aclFile("""
                user alice
                topic deny
                topic read
                pattern write
                """);
        assertThat(imported.rules()).isEmpty();
        assertThat(imported.skipped()).hasSize(3).allSatisfy(line -> assertThat(line).contains("no topic"));
    }

    // Each acl_file form, evaluated through AclCheck as the edge evaluates it: SUBSCRIBE grant, per-topic
    // receive (Mosquitto's read), publish (Mosquitto's write). The expectations are what Mosquitto's acl_file
    // documentation and its default ACL check give, except where noted: Mosquitto grants every SUBSCRIBE and
    // filters each message on read, Tributary refuses a filter under which nothing could ever be delivered.

    private record Client(String username, String clientId) {

        AclCheck.Subject subject() {
            return new AclCheck.Subject(username, clientId, List.of());
        }
    }

    private static final Client ALICE = new Client("alice", "alice-1");
    private static final Client BOB = new Client("bob", "bob-1");
    private static final Client ANONYMOUS = new Client(null, "kiosk-1");

    /** "subscribe filter / receive topic / publish topic" for a client under an imported file. */
    private static void expect(String aclFile, Client client, String filter, boolean subscribe, String topic, boolean receive,
            boolean publish) {
        List<AclRule> rules = MosquittoFiles.aclFile(aclFile).rules();
        String who = client.username() == null ? "anonymous " + client.clientId() : client.username();
        assertThat(AclCheck.maySubscribe(rules, client.subject(), filter)).as(who + " subscribe " + filter).isEqualTo(subscribe);
        assertThat(AclCheck.mayReceive(rules, client.subject(), topic)).as(who + " receive " + topic).isEqualTo(receive);
        assertThat(AclCheck.mayPublish(rules, client.subject(), topic)).as(who + " publish " + topic).isEqualTo(publish);
    }

    @Test
    void topicWithoutAccess_isReadwrite_forTheUserOfItsBlockOnly() {
        String file = "user alice\ntopic fleet/alice/#\n";
        expect(file, ALICE, "fleet/alice/#", true, "fleet/alice/telemetry", true, true);
        expect(file, ALICE, "#", true, "fleet/bob/telemetry", false, false);
        expect(file, BOB, "fleet/alice/#", false, "fleet/alice/telemetry", false, false);
    }

    @Test
    void topicRead_givesReceiveButNotPublish() {
        String file = "user alice\ntopic read news/#\n";
        expect(file, ALICE, "news/#", true, "news/today", true, false);
    }

    @Test
    void topicWrite_givesPublishButNotReceive_andItsSubscriptionIsRefusedWhereMosquittoGrantsItEmpty() {
        String file = "user alice\ntopic write ingest/alice\n";
        expect(file, ALICE, "ingest/alice", false, "ingest/alice", false, true);
    }

    /** Mosquitto 2.x: deny lines are looked at before the lines that grant, wherever they stand in the block. */
    @Test
    void topicDeny_withdrawsPartOfABroaderGrant_forReceiveAndPublish() {
        String file = "user alice\ntopic fleet/#\ntopic deny fleet/secret/#\n";
        expect(file, ALICE, "fleet/#", true, "fleet/secret/plans", false, false);
        expect(file, ALICE, "fleet/+", true, "fleet/open", true, true);
        expect(file, ALICE, "fleet/secret/#", false, "fleet/secret", false, false);
    }

    @Test
    void patternWithPercentU_isEachUsersOwnSubtree_andNothingForAnonymousClients() {
        String file = "pattern readwrite users/%u/#\n";
        expect(file, ALICE, "users/alice/#", true, "users/alice/notes", true, true);
        expect(file, ALICE, "users/bob/#", false, "users/bob/notes", false, false);
        expect(file, BOB, "users/+/notes", true, "users/bob/notes", true, true);
        expect(file, ANONYMOUS, "users/#", false, "users/kiosk-1/notes", false, false);
    }

    @Test
    void patternWithPercentC_isEachClientIdsOwnTopic_andAWildcardClientIdGainsNothing() {
        String file = "pattern write fleet/%c/telemetry\npattern read fleet/%c/commands\n";
        Client v1 = new Client("v1", "v1");
        expect(file, v1, "fleet/v1/commands", true, "fleet/v1/telemetry", false, true);
        expect(file, v1, "fleet/+/commands", true, "fleet/v1/commands", true, false);
        expect(file, v1, "fleet/v2/commands", false, "fleet/v2/telemetry", false, false);
        expect(file, ANONYMOUS, "fleet/kiosk-1/commands", true, "fleet/kiosk-1/commands", true, false);
        // Mosquitto denies a client id with + or # everything once patterns are in use; here the rule fails closed
        expect(file, new Client("v1", "#"), "fleet/#", false, "fleet/v1/telemetry", false, false);
    }

    @Test
    void patternDeny_isLookedAtBeforeTheOtherPatterns() {
        String file = "pattern readwrite dev/%c/#\npattern deny dev/%c/secret\n";
        Client c1 = new Client("u", "c1");
        expect(file, c1, "dev/c1/#", true, "dev/c1/secret", false, false);
        expect(file, c1, "dev/c1/+", true, "dev/c1/status", true, true);
    }

    /** Mosquitto checks the client's own block first and stops at the first grant, before any pattern. */
    @Test
    void aUserBlocksGrant_winsOverAPatternDeny() {
        String file = "user alice\ntopic shared/#\npattern deny shared/%u\npattern readwrite shared/#\n";
        expect(file, ALICE, "shared/alice", true, "shared/alice", true, true);
        expect(file, BOB, "shared/#", true, "shared/bob", false, false);
        expect(file, BOB, "shared/+", true, "shared/other", true, true);
    }

    /** "The first set of topics are applied to anonymous clients": not to clients with a user name. */
    @Test
    void linesBeforeTheFirstUserLine_applyToAnonymousClientsOnly() {
        String file = "topic read public/#\nuser alice\ntopic read alice/#\n";
        expect(file, ANONYMOUS, "public/#", true, "public/news", true, false);
        expect(file, ALICE, "public/#", false, "public/news", false, false);
        expect(file, ALICE, "alice/#", true, "alice/news", true, false);
        expect(file, ANONYMOUS, "alice/#", false, "alice/news", false, false);
    }

    /** A $ topic is matched only by a rule starting with $, as in Mosquitto and [MQTT-4.7.2-1]. */
    @Test
    void sysTopics_needARuleOfTheirOwn() {
        String file = "user alice\ntopic read #\ntopic read $SYS/broker/#\n";
        expect(file, ALICE, "#", true, "$SYS/broker/uptime", true, false);
        expect(file, ALICE, "$SYS/#", true, "$SYS/other", false, false);
        expect(file, ALICE, "+/broker/uptime", true, "$SYS/broker/uptime", true, false);
    }
}
