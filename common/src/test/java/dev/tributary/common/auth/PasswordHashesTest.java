package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    // made with Debian's mosquitto_passwd 2.0 (-b, default sha512-pbkdf2 and -H sha512)
    private static final String MOSQUITTO_PBKDF2 = "$7$101$qeWTUDRynLkMu7lf$VdP6QRAPw0Cw5fDWz+eAAUVZDHH9387fZMMVm/SR6ez1l76i/rf81AcfyqA+pH7ZXgBp2wT0V5vyoZjVjZmElw==";
    private static final String MOSQUITTO_PBKDF2_COLON = "$7$101$8QicCq8BR7S7tbY8$gHtkGr6m5BMZP8R2ph9y0kYJK2bYqmWIJoZFMZx3F6udZw8rvSD8zX4qvVG2r3tNt0F+xxjQDmtJuhM4/gx7kQ==";
    private static final String MOSQUITTO_SHA512 = "$6$8UaIC3a8cMYR8klp$oqFuB0hvNSlUsmlE2piY+BzAHu6UGmCFDWItWfJsrQ3xcTZpb1VcMr4+uYCOTrfFHyabY90LC7rRDzEvLccgSw==";

    @Test
    void hashesMadeByMosquittoPasswd_verifyAsTheyAre() {
        assertThat(PasswordHashes.verify(bytes("secret1"), MOSQUITTO_PBKDF2)).isTrue();
        assertThat(PasswordHashes.verify(bytes("p@ss:2"), MOSQUITTO_PBKDF2_COLON)).isTrue();
        assertThat(PasswordHashes.verify(bytes("legacy"), MOSQUITTO_SHA512)).isTrue();
        assertThat(PasswordHashes.verify(bytes("secret2"), MOSQUITTO_PBKDF2)).isFalse();
        assertThat(PasswordHashes.verify(bytes("legacY"), MOSQUITTO_SHA512)).isFalse();
    }

    @Test
    void ourHashes_areSaltedPbkdf2InMosquittosFormat_withTheConfiguredCost() {
        String first = PasswordHashes.hash("pässwörd", 1000);
        String second = PasswordHashes.hash("pässwörd", 1000);
        assertThat(first).startsWith("$7$1000$").isNotEqualTo(second);
        assertThat(PasswordHashes.isKnownFormat(first)).isTrue();
        assertThat(PasswordHashes.verify(bytes("pässwörd"), first)).isTrue();
        assertThat(PasswordHashes.verify(bytes("passwörd"), first)).isFalse();
        assertThat(PasswordHashes.verify(new byte[0], PasswordHashes.hash("", 10))).isTrue();
    }

    @Test
    void malformedHashes_neverVerify_andAreNotKnown() {
        for (String bad : new String[] {"", "plain", "$7$x$abc$def", "$7$0$abc$def", "$5$abc$def", "$6$%%$%%", null}) {
            assertThat(PasswordHashes.verify(bytes("x"), bad)).as(bad).isFalse();
        }
        assertThat(PasswordHashes.isKnownFormat("$2y$10$abc")).isFalse();
        assertThat(PasswordHashes.verify(null, MOSQUITTO_PBKDF2)).isFalse();
    }

    @Test
    void aHashWhoseIterationCountIsAboveTheBound_isNotKnown_andNeverComputed() {
        String hostile = "$7$2147483647$" + MOSQUITTO_PBKDF2.split("\\$")[3] + "$" + MOSQUITTO_PBKDF2.split("\\$")[4];
        assertThat(PasswordHashes.isKnownFormat(hostile)).isFalse();
        long start = System.nanoTime();
        assertThat(PasswordHashes.verify(bytes("x"), hostile)).isFalse();
        // 2^31 PBKDF2 rounds would take hours: a refusal this fast proves the rounds were never run
        assertThat(System.nanoTime() - start).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
        String atTheBound = PasswordHashes.hash("pw", 1);
        assertThat(PasswordHashes.isKnownFormat(atTheBound.replace("$7$1$", "$7$" + PasswordHashes.MAX_ITERATIONS + "$"))).isTrue();
        assertThat(PasswordHashes.isKnownFormat(atTheBound.replace("$7$1$", "$7$" + (PasswordHashes.MAX_ITERATIONS + 1) + "$"))).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
