package dev.tributary.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UntrustedTest {

    @Test
    void aLineBreak_cannotForgeASecondLogLine() {
        String forged = "v1\n12:00:00.000 INFO  [d.t.e.a.ReplicaAuth] CONNECT of admin accepted";
        String quoted = Untrusted.quote(forged);
        assertThat(quoted).doesNotContain("\n").doesNotContain("\r")
                .isEqualTo("\"v1\\n12:00:00.000 INFO  [d.t.e.a.ReplicaAuth] CONNECT of admin accepted\"");
        assertThat(Untrusted.quote("a\r\nb")).isEqualTo("\"a\\r\\nb\"");
    }

    @Test
    void quotesAndBackslashes_areEscaped_soTheQuotedValueEndsWhereItSeemsTo() {
        assertThat(Untrusted.quote("x\" accepted=\"true")).isEqualTo("\"x\\\" accepted=\\\"true\"");
        assertThat(Untrusted.quote("a\\nb")).isEqualTo("\"a\\\\nb\"");
    }

    @Test
    void controlBidiAndInvisibleCharacters_areShownAsEscapes() {
        assertThat(Untrusted.quote("\u001b[31mred")).isEqualTo("\"\\u001b[31mred\"");
        assertThat(Untrusted.quote("\u007f\u0085\u0000")).isEqualTo("\"\\u007f\\u0085\\u0000\"");
        // right-to-left override, isolate, zero-width space, BOM, line separator
        assertThat(Untrusted.quote("abc\u202Efdp.exe\u2066\u200B\uFEFF\u2028")).isEqualTo(
                "\"abc\\u202efdp.exe\\u2066\\u200b\\ufeff\\u2028\"");
        assertThat(Untrusted.quote("lone\uD800")).isEqualTo("\"lone\\ud800\"");
    }

    @Test
    void ordinaryTextOfAnyScript_staysReadable() {
        assertThat(Untrusted.quote("fleet/v1/telemetry")).isEqualTo("\"fleet/v1/telemetry\"");
        assertThat(Untrusted.quote("Müller-東京-\uD83D\uDE9A")).isEqualTo("\"Müller-東京-\uD83D\uDE9A\"");
        assertThat(Untrusted.quote(null)).isEqualTo("null");
        assertThat(Untrusted.quote("")).isEqualTo("\"\"");
    }

    @Test
    void aLongValue_isCutAndSaysHowMuchWasLeftOff() {
        String quoted = Untrusted.quote("x".repeat(10_000));
        assertThat(quoted).isEqualTo("\"" + "x".repeat(Untrusted.DEFAULT_MAX_CHARS) + "\"...(" + (10_000 - Untrusted.DEFAULT_MAX_CHARS)
                + " more chars)");
        assertThat(Untrusted.quote("abcdef", 3)).isEqualTo("\"abc\"...(3 more chars)");
    }
}
