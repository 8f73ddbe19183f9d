package dev.tributary.auth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tributary.auth.security.LoginGuard;
import dev.tributary.testsupport.LogLines;
import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.HttpFrom;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The login throttle of the token endpoint and the admin API over real HTTP, each client from its own
 * loopback address: a guesser is stopped, and a user name the guesser knows is not locked out for those who
 * log in with it. Limits: 3 per address and user name, 6 per address, 5 per user name (60 s).
 */
@QuarkusTest
@TestProfile(LoginThrottleProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
class LoginThrottleIT {

    @TestHTTPResource("/")
    URL root;

    private LogLines loggedLines;

    @BeforeEach
    void capture() {
        loggedLines = LogLines.of(LoginGuard.class.getName());
    }

    @AfterEach
    void release() {
        loggedLines.close();
    }

    private String base() {
        return root.toString().replaceAll("/$", "");
    }

    private HttpFrom from(String address) {
        return HttpFrom.at(base(), address);
    }

    private static String login(String user, String password) {
        return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    private String newUser(String prefix, String password) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(new Http(base()).admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"password\":\""
                + password + "\"}").statusCode()).isEqualTo(201);
        return name;
    }

    @Test
    void guessersFromManyAddresses_cannotLockOutASharedAccountWhereItLoggedInBefore() {
        String fleet = newUser("fleet", "fleet-password");
        assertThat(from("127.0.1.1").json("POST", "/api/tokens", login(fleet, "fleet-password")).status()).isEqualTo(200);
        // the attack: two guesses from each of many addresses, under the per-address-and-user limit
        for (int i = 0; i < 5; i++) {
            for (int guess = 0; guess < 2; guess++) {
                HttpFrom.Answer answer = from("127.0.2." + (i + 1)).json("POST", "/api/tokens", login(fleet, "guess-" + guess));
                assertThat(answer.status()).isEqualTo(i * 2 + guess < 5 ? 401 : 429);
            }
        }
        assertThat(from("127.0.1.1").json("POST", "/api/tokens", login(fleet, "fleet-password")).status())
                .as("the device that logged in before keeps logging in").isEqualTo(200);
        HttpFrom.Answer newcomer = from("127.0.1.2").json("POST", "/api/tokens", login(fleet, "fleet-password"));
        assertThat(newcomer.status()).as("an address the account never logged in from waits").isEqualTo(429);
        assertThat(Long.parseLong(newcomer.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(loggedLines.lines()).anyMatch(l -> l.contains("token login as \"" + fleet + "\" from \"127.0.1.2\" throttled (user limit)"));
    }

    @Test
    void oneAddress_isStoppedPerUserNameAndThenForAll_andAThrottledLoginComputesNoHash() {
        String known = newUser("known", "known-password");
        HttpFrom guesser = from("127.0.3.1");
        for (int i = 0; i < 3; i++) {
            assertThat(guesser.json("POST", "/api/tokens", login(known, "guess-" + i)).status()).isEqualTo(401);
        }
        assertThat(guesser.json("POST", "/api/tokens", login(known, "known-password")).status())
                .as("this address and user name: 3 failures").isEqualTo(429);
        assertThat(from("127.0.3.2").json("POST", "/api/tokens", login(known, "known-password")).status())
                .as("the user from elsewhere").isEqualTo(200);

        double dummyBefore = metric("tributary_auth_login_dummy_hashes_total");
        for (int i = 0; i < 3; i++) {
            assertThat(guesser.json("POST", "/api/tokens", login("nobody-" + i, "x")).status()).isEqualTo(401);
        }
        assertThat(metric("tributary_auth_login_dummy_hashes_total") - dummyBefore)
                .as("an unknown user name costs a hash as a known one does").isEqualTo(3);
        HttpFrom.Answer stopped = guesser.json("POST", "/api/tokens", login("nobody-9", "x"));
        assertThat(stopped.status()).as("6 failures from this address, any user names").isEqualTo(429);
        assertThat(stopped.header("Retry-After")).isNotNull();
        assertThat(metric("tributary_auth_login_dummy_hashes_total") - dummyBefore).as("the throttled one computed none")
                .isEqualTo(3);
        assertThat(metric("tributary_auth_login_throttled_total{scope=\"address\",where=\"token\"}")).isPositive();
    }

    @Test
    void theDashboardsForwardedAddress_isCounted_soOneBrowsersFailuresLockNoOtherBrowser() {
        String alice = newUser("alice", "alice-password");
        String bob = newUser("bob", "bob-password");
        // the web-dashboard on loopback (a trusted proxy) forwards each browser's address
        HttpFrom aliceBrowser = from("127.0.0.1").header(LoginGuard.FORWARDED_FOR, "192.0.2.10");
        HttpFrom bobBrowser = from("127.0.0.1").header(LoginGuard.FORWARDED_FOR, "192.0.2.20");
        for (int i = 0; i < 6; i++) {
            aliceBrowser.json("POST", "/api/tokens", login("typo-" + i, "wrong"));
        }
        assertThat(aliceBrowser.json("POST", "/api/tokens", login(alice, "alice-password")).status())
                .as("the failing browser is stopped").isEqualTo(429);
        assertThat(bobBrowser.json("POST", "/api/tokens", login(bob, "bob-password")).status())
                .as("another browser behind the same dashboard").isEqualTo(200);
        assertThat(from("127.0.0.1").json("POST", "/api/tokens", login(bob, "bob-password")).status())
                .as("the dashboard's own address was never counted").isEqualTo(200);

        HttpFrom spoofer = from("127.0.4.1").header(LoginGuard.FORWARDED_FOR, "192.0.2.30");
        for (int i = 0; i < 3; i++) {
            spoofer.json("POST", "/api/tokens", login(alice, "guess-" + i));
        }
        assertThat(from("127.0.4.1").header(LoginGuard.FORWARDED_FOR, "192.0.2.31")
                .json("POST", "/api/tokens", login(alice, "alice-password")).status())
                .as("an address that is no trusted proxy cannot name another client").isEqualTo(429);
    }

    @Test
    void theAdminApi_throttlesWrongBasicCredentials_with429AndRetryAfter_andKeepsTheOperatorIn() {
        new Http(base()).admin("GET", "/api/principals", null); // this test's own calls come from 127.0.0.1
        HttpFrom operator = from("127.0.5.1").basic(Http.ADMIN, Http.ADMIN_PASSWORD);
        assertThat(operator.json("GET", "/api/principals", null).status()).isEqualTo(200);
        HttpFrom attacker = from("127.0.5.2").basic(Http.ADMIN, "guess");
        for (int i = 0; i < 3; i++) {
            assertThat(attacker.json("GET", "/api/principals", null).status()).isEqualTo(401);
        }
        HttpFrom.Answer throttled = attacker.json("GET", "/api/principals", null);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(from("127.0.5.2").basic(Http.ADMIN, Http.ADMIN_PASSWORD).json("GET", "/api/principals", null).status())
                .as("the right password from the guessing address waits too").isEqualTo(429);
        for (int i = 3; i < 6; i++) {
            from("127.0.5." + i).basic(Http.ADMIN, "guess").json("GET", "/api/principals", null);
        }
        assertThat(operator.json("GET", "/api/principals", null).status()).as("the operator's address logged in before")
                .isEqualTo(200);
        assertThat(loggedLines.lines()).anyMatch(l -> l.contains("admin login as \"admin\" from \"127.0.5.2\" throttled"));
    }

    @Test
    void aUserNameWithALineBreak_staysOnOneEscapedLogLine() {
        from("127.0.6.1").json("POST", "/api/tokens", login("evil\\r\\nINFO forged line", "x"));
        assertThat(loggedLines.lines()).anyMatch(l -> l.equals("token login as \"evil\\r\\nINFO forged line\" from \"127.0.6.1\" refused: unknown user"));
        assertThat(loggedLines.lines()).noneMatch(l -> l.contains("\n"));
    }

    private double metric(String series) {
        String text = new Http(base()).anonymous("GET", "/q/metrics", null).body();
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
