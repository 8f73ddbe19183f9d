package dev.tributary.systemtests.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.AuthServiceProcess;
import dev.tributary.testsupport.HttpFrom;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Dashboard logins as browsers make them: {@code POST /api/login} to the packaged web-dashboard from several
 * loopback addresses (each a browser), the dashboard asking the packaged auth-service for a token on their
 * behalf, as {@code ./tributary up} runs them. Every login reaches auth-service from the dashboard's one
 * address, so auth-service must count each browser's failures against that browser (the dashboard forwards
 * it in {@code X-Forwarded-For}), or one user's typos would lock every dashboard user.
 *
 * <p>auth-service keeps its packaged limits (5 failures per address and user name, 20 per address, in a
 * 60 s window), except 20 failures per user name rather than 100, so a crowd of guessers is quicker to build.
 */
class DashboardLoginThrottleIT {

    private static final int PER_PAIR = 5;
    private static final int PER_USER = 20;
    private static AuthServiceProcess authService;
    private static ServiceProcess dashboard;
    private static String dashboardUrl;

    @BeforeAll
    static void start() throws Exception {
        Path root = ServiceProcess.root();
        Path work = Files.createTempDirectory("dashboard-login-it");
        authService = AuthServiceProcess.start(root, work, SharedKafka.get().bootstrapServers(),
                "tributary.auth.dashboard-login-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of("TRIBUTARY_AUTH_LOGIN_MAX_FAILURES_PER_USER", Integer.toString(PER_USER)));
        int port = ServiceProcess.freePort();
        ProcessBuilder command = ServiceProcess.quarkusApp(root, "web-dashboard", List.of("-Xmx256m"));
        command.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        command.environment().put("TRIBUTARY_DASHBOARD_LOGIN_AUTH_URL", authService.url());
        dashboardUrl = "http://127.0.0.1:" + port;
        dashboard = ServiceProcess.start("web-dashboard", command, work.resolve("web-dashboard.log"),
                ServiceProcess.Readiness.httpOk(URI.create(dashboardUrl + "/q/health/ready")));
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (authService != null) {
            authService.close();
        }
    }

    /** A dashboard user (or the shared account) with a password of its own; a fresh name per test. */
    private static String user(String prefix, String password) {
        String name = prefix + UUID.randomUUID().toString().substring(0, 6);
        var created = authService.http().admin("POST", "/api/principals",
                "{\"username\":\"" + name + "\",\"kind\":\"user\",\"password\":\"" + password + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return name;
    }

    private static HttpFrom.Answer login(String browser, String user, String password) {
        return HttpFrom.at(dashboardUrl, browser).json("POST", "/api/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    private static void failUntilThrottled(String browser, String user, int failures) {
        for (int i = 0; i < failures; i++) {
            assertThat(login(browser, user, "wrong-password-" + i).status()).as("failure %d from %s", i + 1, browser)
                    .isEqualTo(401);
        }
        HttpFrom.Answer throttled = login(browser, user, "wrong-password-again");
        assertThat(throttled.status()).as(throttled.body()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
    }

    @Test
    void oneBrowsersBadLogins_lockThatBrowserForThatUser_notTheUserElsewhere_norOtherUsers() {
        String alice = user("alice-", "alice-password");
        String bob = user("bob-", "bob-password");

        failUntilThrottled("127.0.0.2", alice, PER_PAIR);
        assertThat(login("127.0.0.2", alice, "alice-password").status()).as("the guessing browser, even with the password")
                .isEqualTo(429);

        HttpFrom.Answer aliceElsewhere = login("127.0.0.3", alice, "alice-password");
        assertThat(aliceElsewhere.status()).as("alice from her own browser: %s", aliceElsewhere.body()).isEqualTo(200);
        assertThat(aliceElsewhere.body()).contains("\"token\"");
        assertThat(login("127.0.0.2", bob, "bob-password").status()).as("another user from the guessing browser")
                .isEqualTo(200);
        assertThat(login("127.0.0.4", bob, "bob-password").status()).isEqualTo(200);
    }

    @Test
    void aBrowserCannotEscapeItsThrottle_byNamingAnotherAddressItself() {
        String carol = user("carol-", "carol-password");
        failUntilThrottled("127.0.0.5", carol, PER_PAIR);
        for (String claimed : new String[] {"127.0.0.99", "203.0.113.7"}) {
            HttpFrom.Answer spoofed = HttpFrom.at(dashboardUrl, "127.0.0.5").header("X-Forwarded-For", claimed)
                    .json("POST", "/api/login", "{\"username\":\"" + carol + "\",\"password\":\"carol-password\"}");
            assertThat(spoofed.status()).as("X-Forwarded-For %s from the browser is not the dashboard's to trust", claimed)
                    .isEqualTo(429);
        }
    }

    @Test
    void theSharedAccount_cannotBeLockedByStrangers_itsKnownBrowsersKeepLoggingIn() {
        String fleet = user("fleet-", "fleet-password");
        assertThat(login("127.0.0.20", fleet, "fleet-password").status()).as("the account's own browser, before")
                .isEqualTo(200);

        // a crowd of strangers, each under the per-pair limit, together past the per-user limit
        int strangers = PER_USER / (PER_PAIR - 1) + 1;
        int failures = 0;
        for (int s = 0; s < strangers; s++) {
            for (int i = 0; i < PER_PAIR - 1 && failures < PER_USER; i++, failures++) {
                assertThat(login("127.0.1." + (s + 1), fleet, "guess-" + s + "-" + i).status()).isEqualTo(401);
            }
        }
        assertThat(failures).isEqualTo(PER_USER);
        assertThat(login("127.0.1.200", fleet, "guess-more").status()).as("a new stranger once the user name is under attack")
                .isEqualTo(429);

        HttpFrom.Answer known = login("127.0.0.20", fleet, "fleet-password");
        assertThat(known.status()).as("the account's own browser, during the attack: %s", known.body()).isEqualTo(200);
    }
}
