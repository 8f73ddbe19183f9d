package dev.tributary.auth.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.LogLines;

/** The audit line names principals, groups and actors that requests chose: quoted, so none can forge a line. */
class AuditTest {

    @Test
    void aTargetWithALineBreak_staysOnItsOwnLine_quoted() {
        List<String> lines;
        try (LogLines audit = LogLines.of("tributary.audit")) {
            Audit.log("admin", "principal.import", "v1\naudit actor=admin action=acl.replace target=acl", "hash=$7$");
            lines = audit.lines();
        }
        assertThat(lines).containsExactly(
                "audit actor=\"admin\" action=principal.import target=\"v1\\naudit actor=admin action=acl.replace target=acl\" hash=$7$");
    }

    @Test
    void anActorWithTerminalEscapes_isShownEscaped() {
        List<String> lines;
        try (LogLines audit = LogLines.of("tributary.audit")) {
            Audit.log("ad\u001b[2Jmin", "principal.delete", "v7", null);
            lines = audit.lines();
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("audit actor=\"ad\\u001b[2Jmin\" action=principal.delete target=\"v7\"")
                .doesNotContain("\u001b");
    }

    @Test
    void groupNames_areQuotedEach() {
        assertThat(Audit.names(List.of("ops", "x\ny"))).isEqualTo("[\"ops\",\"x\\ny\"]");
        assertThat(Audit.names(null)).isEqualTo("[]");
    }
}
