package dev.tributary.auth.api;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Small login limits with a long window, so a test reaches each limit in a few requests and nothing expires. */
public class LoginThrottleProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tributary.auth.login.max-failures", "3",
                "tributary.auth.login.max-failures-per-address", "6",
                "tributary.auth.login.max-failures-per-user", "5",
                "tributary.auth.login.failure-window", "60s",
                "tributary.auth.login.known-address-window", "1h");
    }
}
