package dev.tributary.auth.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.tributary.common.auth.LoginThrottle;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin API's HTTP Basic logins go through the login throttle before the credentials are checked: a
 * throttled address or user name gets 429 with Retry-After and its password is not looked at. The identity
 * provider then takes the counted failure back when the credentials are right.
 */
@ApplicationScoped
public class AdminLoginFilter {

    /** Routing context keys: the address and user name this request's Basic login was counted for. */
    static final String ADDRESS = "tributary.login.address";
    static final String USERNAME = "tributary.login.username";
    /** Before the authentication handler, which runs ahead of every route. */
    private static final int PRIORITY = 100_000;

    void register(@Observes Filters filters, LoginGuard guard) {
        filters.register(rc -> {
            String user = basicUser(rc.request().getHeader("Authorization"));
            if (user != null) {
                String address = guard.clientAddress(rc.request());
                LoginThrottle.Refusal refusal = guard.attempt("admin", address, user);
                if (refusal != null) {
                    rc.response().setStatusCode(429).putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()))
                            .putHeader("Content-Type", "application/json")
                            .end("{\"error\":\"too many failed logins: try again later\"}");
                    return;
                }
                rc.put(ADDRESS, address);
                rc.put(USERNAME, user);
            }
            rc.next();
        }, PRIORITY);
    }

    /** The user name of an HTTP Basic Authorization header, or null when it is none. */
    static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** After the identity provider decided: a right password takes the counted failure back. */
    static void decided(RoutingContext rc, LoginGuard guard, boolean ok, String username) {
        if (rc == null || rc.get(ADDRESS) == null) {
            return;
        }
        String address = rc.get(ADDRESS);
        if (ok) {
            guard.succeeded(address, rc.get(USERNAME));
        } else {
            guard.failed("admin", address, username, "bad credentials");
        }
    }
}
