package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.LoginThrottle.Scope;

class LoginThrottleTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(3, 10, 20, 60 * SECOND, 3_600 * SECOND),
            clock::get);

    /** A login that turns out wrong: allowed (and counted) or refused. */
    private LoginThrottle.Refusal fail(String address, String user) {
        return throttle.attempt(address, user);
    }

    private LoginThrottle.Refusal succeed(String address, String user) {
        LoginThrottle.Refusal refusal = throttle.attempt(address, user);
        if (refusal == null) {
            throttle.succeeded(address, user);
        }
        return refusal;
    }

    @Test
    void oneAddressGuessingOneUser_isStoppedAfterThePairLimit_untilTheWindowPassesSinceItsLastFailure() {
        for (int i = 0; i < 3; i++) {
            assertThat(fail("10.0.0.1", "v1")).isNull();
        }
        clock.addAndGet(10 * SECOND);
        LoginThrottle.Refusal refused = fail("10.0.0.1", "v1");
        assertThat(refused.scope()).isEqualTo(Scope.PAIR);
        assertThat(refused.retryAfterSeconds()).isEqualTo(50);
        assertThat(succeed("10.0.0.2", "v1")).as("the user from elsewhere").isNull();
        assertThat(succeed("10.0.0.1", "v2")).as("another user from the same address").isNull();
        clock.addAndGet(51 * SECOND);
        assertThat(succeed("10.0.0.1", "v1")).isNull();
    }

    @Test
    void oneAddressSprayingManyUsers_isStoppedAfterTheAddressLimit_andASuccessDoesNotResetIt() {
        for (int i = 0; i < 9; i++) {
            assertThat(fail("10.0.0.1", "user-" + i)).isNull();
        }
        assertThat(succeed("10.0.0.1", "mine")).as("the guesser's own valid account").isNull();
        assertThat(fail("10.0.0.1", "user-9")).isNull();
        assertThat(fail("10.0.0.1", "user-10").scope()).isEqualTo(Scope.ADDRESS);
        assertThat(succeed("10.0.0.1", "mine").scope()).as("the address is stopped for every user name").isEqualTo(Scope.ADDRESS);
    }

    @Test
    void manyAddressesGuessingOneUser_cannotLockItOutOfAnAddressItLoggedInFromRecently() {
        assertThat(succeed("10.1.0.1", "fleet")).isNull(); // a device of the shared account
        for (int i = 0; i < 20; i++) {
            assertThat(fail("10.9.0." + i, "fleet")).isNull();
        }
        assertThat(fail("10.9.1.1", "fleet").scope()).as("a new address, once the user limit is reached").isEqualTo(Scope.USER);
        assertThat(succeed("10.1.0.2", "fleet").scope()).as("a device that never logged in").isEqualTo(Scope.USER);
        assertThat(succeed("10.1.0.1", "fleet")).as("the device that logged in before").isNull();
        assertThat(succeed("10.1.0.1", "other")).isNull();

        clock.addAndGet(3_601 * SECOND);
        assertThat(succeed("10.1.0.1", "fleet")).as("the window has passed for the user's failures too").isNull();
    }

    @Test
    void parallelAttempts_areCountedBeforeTheirPasswordsAreChecked() {
        // three attempts begin before any of them has finished hashing
        assertThat(throttle.attempt("10.0.0.1", "v1")).isNull();
        assertThat(throttle.attempt("10.0.0.1", "v1")).isNull();
        assertThat(throttle.attempt("10.0.0.1", "v1")).isNull();
        assertThat(throttle.attempt("10.0.0.1", "v1")).as("the fourth waits, whatever the three turn out to be").isNotNull();
        throttle.succeeded("10.0.0.1", "v1");
        assertThat(throttle.attempt("10.0.0.1", "v1")).as("a success clears the pair").isNull();
    }

    @Test
    void anAttemptThatWasNeverChecked_isTakenBack() {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.attempt("10.0.0.1", "u" + i)).isNull();
            throttle.abandoned("10.0.0.1", "u" + i);
        }
        assertThat(throttle.attempt("10.0.0.1", "u0")).isNull();
        throttle.abandoned("10.0.0.1", "u0");
        assertThat(throttle.size()).isZero();
    }

    @Test
    void theFailureTable_isBounded() {
        for (int i = 0; i < LoginThrottle.MAX_ENTRIES + 1_000; i++) {
            throttle.attempt("10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255), null);
        }
        assertThat(throttle.size()).isLessThanOrEqualTo(LoginThrottle.MAX_ENTRIES);
    }
}
