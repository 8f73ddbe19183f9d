package dev.tributary.auth.security;

import java.util.List;

import org.jboss.logging.Logger;

import dev.tributary.common.auth.LoginThrottle;
import dev.tributary.common.log.Untrusted;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;

/**
 * The login throttle of auth-service, shared by its token endpoint and its admin API (HTTP Basic): who is
 * logging in from where, whether that may be tried now, and a log line and a metric when it may not.
 *
 * <p>The address is the connection's, or, when the connection comes from a trusted proxy (an address or
 * CIDR range of {@code tributary.auth.login.trusted-proxies}: by default loopback, where the web-dashboard
 * runs), the last address in its {@code X-Forwarded-For} header: the
 * dashboard logs every user in from its own address, and names the browser's address there, so one
 * user's failed logins throttle that browser and not every dashboard user.
 */
public final class LoginGuard {

    private static final Logger LOG = Logger.getLogger(LoginGuard.class);
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final LoginThrottle throttle;
    private final AddressRanges trustedProxies;
    private final MeterRegistry metrics;

    public LoginGuard(LoginThrottle throttle, List<String> trustedProxies, MeterRegistry metrics) {
        this.throttle = throttle;
        try {
            this.trustedProxies = AddressRanges.parse(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tributary.auth.login.trusted-proxies: " + e.getMessage(), e);
        }
        this.metrics = metrics;
        metrics.gauge("tributary.auth.login.throttle.entries", throttle, LoginThrottle::size);
    }

    /** The address a login is counted against: the peer's, or the one a trusted proxy forwards. */
    public String clientAddress(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String forwarded = request.getHeader(FORWARDED_FOR);
        if (forwarded == null || !isTrustedProxy(peer)) {
            return peer;
        }
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
        // only a literal address: a trusted proxy that forwards anything else is misconfigured
        return last.matches("[0-9A-Fa-f.:]{2,45}") ? last : peer;
    }

    boolean isTrustedProxy(String peer) {
        return trustedProxies.contains(peer);
    }

    /**
     * Counts a login before any password is checked. Null when it may go on (call {@link #succeeded} when the
     * credentials prove right); otherwise why not and for how long, logged and counted.
     */
    public LoginThrottle.Refusal attempt(String where, String address, String username) {
        LoginThrottle.Refusal refusal = throttle.attempt(address, username);
        if (refusal != null) {
            metrics.counter("tributary.auth.login.throttled", "where", where, "scope", refusal.scope().tag()).increment();
            LOG.infof("%s login as %s from %s throttled (%s limit): retry in %d s", where, Untrusted.quote(username),
                    Untrusted.quote(address), refusal.scope().tag(), refusal.retryAfterSeconds());
        }
        return refusal;
    }

    public void succeeded(String address, String username) {
        throttle.succeeded(address, username);
    }

    public void failed(String where, String address, String username, String reason) {
        metrics.counter("tributary.auth.login.failed", "where", where).increment();
        LOG.infof("%s login as %s from %s refused: %s", where, Untrusted.quote(username), Untrusted.quote(address), reason);
    }
}
