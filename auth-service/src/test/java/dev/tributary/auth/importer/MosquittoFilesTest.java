package dev.tributary.auth.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
    void aclFile_mapsUserTopicsAndPatterns_withDeniesFirst() {
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
                pattern read users/%u/inbox
                """);
        assertThat(imported.rules()).containsExactly(
                new AclRule(Who.USER, "alice", "fleet/alice/secret", Action.BOTH, false),
                new AclRule(Who.USER, "alice", "fleet/alice/#", Action.BOTH, true),
                new AclRule(Who.USER, "alice", "public/#", Action.SUBSCRIBE, true),
                new AclRule(Who.USER, "bob", "ingest/bob", Action.PUBLISH, true),
                new AclRule(Who.USER, "bob", "fleet/bob/#", Action.BOTH, true),
                new AclRule(Who.ANY, null, "fleet/${clientid}/telemetry", Action.PUBLISH, true),
                new AclRule(Who.ANY, null, "users/${username}/inbox", Action.SUBSCRIBE, true));
        assertThat(imported.skipped()).singleElement().asString().contains("line 2", "anonymous");
    }
}
