package dev.tributary.auth.acl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

class AclServiceTest {

    @Test
    void anyAndAnonymousRules_nameNobody_userAndGroupRulesNeedAName() {
        assertThat(AclService.problem(new AclRule(Who.ANONYMOUS, null, "public/#", Action.SUBSCRIBE, true))).isNull();
        assertThat(AclService.problem(new AclRule(Who.ANY, null, "#", Action.BOTH, true))).isNull();
        assertThat(AclService.problem(new AclRule(Who.ANONYMOUS, "kiosk", "public/#", Action.SUBSCRIBE, true)))
                .contains("ANONYMOUS names nobody");
        assertThat(AclService.problem(new AclRule(Who.GROUP, " ", "#", Action.SUBSCRIBE, true))).contains("needs a name");
        assertThat(AclService.problem(new AclRule(Who.USER, "alice", "a/v${clientid}", Action.BOTH, true)))
                .contains("whole level");
    }
}
