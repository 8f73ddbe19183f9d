package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PasswordCheckTest {

    private final PasswordCheck check = new PasswordCheck(2_000);

    @Test
    void anUnknownUsersPassword_isCheckedAgainstADummyHashOfTheSameCost_andRefused() {
        String real = PasswordHashes.hash("right", 1_500);
        assertThat(check.verify(bytes("right"), null, real)).isFalse();
        assertThat(check.dummyChecks()).isEqualTo(1);
        assertThat(check.dummyHash(check.iterationsOf(real))).as("the same format and cost as the real hash").startsWith("$7$1500$");
        assertThat(check.verify(null, null, null)).isFalse();
        assertThat(check.dummyHash(check.iterationsOf(null))).as("the default cost").startsWith("$7$2000$");
        assertThat(check.dummyChecks()).isEqualTo(2);
    }

    @Test
    void aKnownUsersPassword_isCheckedAgainstItsOwnHash() {
        String real = PasswordHashes.hash("right", 1_000);
        assertThat(check.verify(bytes("right"), real, real)).isTrue();
        assertThat(check.verify(bytes("wrong"), real, real)).isFalse();
        assertThat(check.dummyChecks()).isZero();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
