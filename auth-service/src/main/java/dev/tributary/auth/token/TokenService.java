package dev.tributary.auth.token;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.tributary.auth.Problem;
import dev.tributary.auth.audit.Audit;
import dev.tributary.auth.store.AuthStore;
import dev.tributary.auth.store.Writes;
import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.LoginThrottle;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.PasswordHashes;
import io.smallrye.jwt.build.Jwt;

/**
 * Short-lived tokens for devices and dashboard users: a JWT (RS256) naming the principal ({@code upn}),
 * its groups, its kind and the ACL rules that apply to it. The edge takes the token as the MQTT password
 * and checks signature, issuer, expiry and revocation against its replica of the auth topic.
 */
public final class TokenService {

    private final AuthStore store;
    private final SigningKeys keys;
    private final String issuer;
    private final Duration lifetime;
    private final Duration maxLifetime;
    private final LoginThrottle throttle;

    public TokenService(AuthStore store, SigningKeys keys, String issuer, Duration lifetime, Duration maxLifetime,
            LoginThrottle throttle) {
        this.store = store;
        this.keys = keys;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.maxLifetime = maxLifetime;
        this.throttle = throttle;
    }

    /** Publishes this service's public key to the auth topic, keeping the previous one for tokens still valid. */
    public void publishKey() {
        List<SigningKey> published = store.signingKeys();
        if (!published.isEmpty() && published.get(0).kid().equals(keys.kid())) {
            return;
        }
        List<SigningKey> next = new ArrayList<>();
        next.add(keys.published());
        published.stream().filter(k -> !k.kid().equals(keys.kid())).limit(1).forEach(next::add);
        Writes.await(store.putSigningKeys(next));
        Audit.log("auth-service", "keys.publish", keys.kid(), "kept=" + (next.size() - 1));
    }

    public record Issued(String token, Instant expiresAt, String username) {
    }

    /** A token for the principal, if the password is right and neither the address nor the user is throttled. */
    public Issued issue(String username, String password, String address) {
        if (throttle.isThrottled(address, username)) {
            Audit.log(username, "token.throttled", username, "address=" + address);
            throw new Problem(Problem.Kind.THROTTLED, "too many failed logins: try again later");
        }
        Principal principal = store.principal(username == null ? "" : username).orElse(null);
        if (principal == null || password == null
                || !PasswordHashes.verify(password.getBytes(StandardCharsets.UTF_8), principal.passwordHash())) {
            throttle.failed(address, username);
            throw new Problem(Problem.Kind.UNAUTHORIZED, "bad user name or password");
        }
        throttle.succeeded(address, username);
        if (principal.disabled()) {
            throw new Problem(Problem.Kind.UNAUTHORIZED, username + " is disabled");
        }
        return sign(username, principal, lifetime);
    }

    /**
     * A token for the principal issued by an administrator, who does not know its password: for a device
     * that is handed a token instead of a password. {@code ttl} null means the configured lifetime.
     */
    public Issued issueFor(String actor, String username, Duration ttl) {
        Duration wanted = ttl == null ? lifetime : ttl;
        if (wanted.isNegative() || wanted.isZero() || wanted.compareTo(maxLifetime) > 0) {
            throw Problem.badRequest("a token lives from 1 second to " + maxLifetime.toSeconds() + " seconds (tributary.auth.tokens.max-lifetime)");
        }
        Principal principal = store.principal(username == null ? "" : username)
                .orElseThrow(() -> Problem.notFound("no principal " + username));
        if (principal.disabled()) {
            throw new Problem(Problem.Kind.CONFLICT, username + " is disabled");
        }
        return sign(actor, principal, wanted);
    }

    private Issued sign(String actor, Principal principal, Duration ttl) {
        String username = principal.username();
        Instant now = Instant.now();
        Instant expires = now.plus(ttl);
        List<Map<String, Object>> acl = applicableRules(principal).stream().map(r -> Map.<String, Object>of(
                "topicFilter", r.topicFilter(), "action", r.action().name(), "allow", r.allow())).toList();
        String token = Jwt.issuer(issuer).upn(username).subject(username)
                .groups(new HashSet<>(principal.groups()))
                .claim("kind", principal.kind().name())
                .claim("acl", acl)
                .issuedAt(now).expiresAt(expires)
                .jws().keyId(keys.kid()).sign(keys.privateKey());
        Audit.log(actor, "token.issue", username, "expires=" + expires);
        return new Issued(token, expires, username);
    }

    /** The rules, in order, that can apply to this principal (its own, its groups', everyone's). */
    private List<AclRule> applicableRules(Principal principal) {
        AclCheck.Subject subject = new AclCheck.Subject(principal.username(), null, principal.groups());
        return store.acl().stream().filter(rule -> AclCheck.appliesTo(rule, subject)).toList();
    }
}
