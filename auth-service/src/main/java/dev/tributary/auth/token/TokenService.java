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
import dev.tributary.auth.security.LoginGuard;
import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.LoginThrottle;
import dev.tributary.common.auth.PasswordCheck;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import io.smallrye.jwt.build.Jwt;

/**
 * Short-lived tokens for devices and dashboard users: a JWT (RS256) naming the principal ({@code upn}),
 * its groups, its kind and the ACL rules that apply to it. The edge takes the token as the MQTT password
 * and checks signature, issuer, expiry and revocation against its replica of the auth topic. Each token
 * carries the principal's token generation ({@code tgen}), so a revocation in the same second as an
 * issue is exact.
 */
public final class TokenService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TokenService.class);

    private final AuthStore store;
    private volatile SigningKeys keys;
    private final String issuer;
    private final Duration lifetime;
    private final Duration maxLifetime;
    private final LoginGuard guard;
    private final PasswordCheck passwords;
    private final dev.tributary.common.auth.EndedTokens ended;

    public TokenService(AuthStore store, SigningKeys keys, String issuer, Duration lifetime, Duration maxLifetime,
            LoginGuard guard, PasswordCheck passwords, dev.tributary.common.auth.EndedTokens ended) {
        this.ended = ended;
        this.store = store;
        this.keys = keys;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.maxLifetime = maxLifetime;
        this.guard = guard;
        this.passwords = passwords;
    }

    /**
     * Publishes this service's public key to the auth topic at start. A different key published before (the
     * signing key was replaced while the service was down) retires once the longest token it can have signed
     * has expired; keys whose retirement has passed are dropped.
     */
    public synchronized void publishKey() {
        publish(keys, "keys.publish");
    }

    /**
     * Replaces the signing key with a new one (kept in {@code keyFile}): tokens are signed with it from now
     * on, and the previous key verifies the tokens it signed until the longest token lifetime has passed.
     */
    public synchronized SigningKey rotateKey(String actor, java.nio.file.Path keyFile) {
        SigningKeys next = SigningKeys.generate(keyFile);
        publish(next, "keys.rotate");
        this.keys = next;
        Audit.log(actor, "keys.rotate", next.kid(), "previous=" + store.signingKeys().stream().skip(1).findFirst()
                .map(SigningKey::kid).orElse("none"));
        return next.published();
    }

    /** The published keys, the signing key first. */
    public List<SigningKey> publishedKeys() {
        return store.signingKeys();
    }

    private void publish(SigningKeys signing, String action) {
        long now = Instant.now().getEpochSecond();
        long retiresAt = now + maxLifetime.toSeconds();
        List<SigningKey> published = store.signingKeys();
        List<SigningKey> next = new ArrayList<>();
        next.add(signing.published());
        for (SigningKey key : published) {
            if (key.kid().equals(signing.kid()) || key.retiredAt(now)) {
                continue; // the signing key is first already; a retired key is dropped
            }
            next.add(key.retiresAtSeconds() == null ? key.retiringAt(retiresAt) : key);
        }
        if (next.equals(published)) {
            return;
        }
        Writes.await(store.putSigningKeys(next));
        Audit.log("auth-service", action, signing.kid(), "kept=" + (next.size() - 1)
                + " dropped=" + published.stream().filter(k -> k.retiredAt(now)).count());
    }

    public record Issued(String token, Instant expiresAt, String username) {
    }

    /**
     * A token for the principal, if the password is right and neither the address nor the user name is
     * throttled. The attempt is counted before the password is checked, a throttled one computes no hash,
     * and an unknown user name costs the same hash as a known one.
     */
    public Issued issue(String username, String password, String address) {
        LoginThrottle.Refusal refusal = guard.attempt("token", address, username);
        if (refusal != null) {
            throw Problem.throttled("too many failed logins: try again later", refusal.retryAfterSeconds());
        }
        Principal principal = store.principal(username == null ? "" : username).orElse(null);
        byte[] secret = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        if (!passwords.verify(secret, principal == null ? null : principal.passwordHash(), null) || password == null) {
            guard.failed("token", address, username, principal == null ? "unknown user" : "bad password");
            throw new Problem(Problem.Kind.UNAUTHORIZED, "bad user name or password");
        }
        guard.succeeded(address, username);
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
        SigningKeys signing = keys;
        String token = Jwt.issuer(issuer).upn(username).subject(username)
                .groups(new HashSet<>(principal.groups()))
                .claim("kind", principal.kind().name())
                .claim("acl", acl)
                .claim(AuthRecords.TOKEN_GENERATION_CLAIM, principal.tokenGeneration())
                // an id, so that a log out can end this one token (EndedTokens)
                .claim("jti", java.util.UUID.randomUUID().toString())
                .issuedAt(now).expiresAt(expires)
                .jws().keyId(signing.kid()).sign(signing.privateKey());
        Audit.log(actor, "token.issue", username, "expires=" + expires);
        return new Issued(token, expires, username);
    }

    /**
     * A fresh token for the principal a still-valid token names: how a dashboard keeps its user logged in
     * without keeping their password. Refused (401) for a token that is not valid now, was ended by a log out,
     * or whose principal is gone, disabled or had its tokens revoked since.
     */
    public Issued refresh(String token) {
        Verified verified = verifyOwn(token);
        return sign(verified.principal().username(), verified.principal(), lifetime);
    }

    /** Ends one token (a log out): it can no longer be refreshed here. */
    public void end(String token) {
        Verified verified = verifyOwn(token);
        if (verified.id() == null) {
            throw Problem.badRequest("the token has no id (jti) to end");
        }
        if (!ended.end(verified.id(), verified.expiresAtSeconds())) {
            LOG.warnf("cannot end a token of %s: %d ended tokens are kept, all still live (tributary.auth.tokens.max-ended)",
                    verified.principal().username(), ended.capacity());
            throw new Problem(Problem.Kind.UNAVAILABLE, "too many ended tokens are kept: try again later");
        }
        Audit.log(verified.principal().username(), "token.end", verified.principal().username(), "id=" + verified.id());
    }

    public int endedTokens() {
        return ended.size();
    }

    private record Verified(Principal principal, String id, long expiresAtSeconds) {
    }

    /** Checks one of this service's own tokens as an edge would, against the keys the auth topic publishes. */
    private Verified verifyOwn(String token) {
        if (token == null || token.length() > 8 * 1024) {
            throw new Problem(Problem.Kind.UNAUTHORIZED, "a bearer token is required");
        }
        long now = Instant.now().getEpochSecond();
        org.jose4j.jwt.consumer.JwtConsumer consumer = new org.jose4j.jwt.consumer.JwtConsumerBuilder()
                .setRequireExpirationTime().setRequireIssuedAt().setExpectedIssuer(issuer)
                .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT,
                        org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver((jws, nested) -> {
                    for (SigningKey key : store.signingKeys()) {
                        if (key.kid().equals(jws.getKeyIdHeaderValue()) && !key.retiredAt(now)) {
                            try {
                                return java.security.KeyFactory.getInstance("RSA").generatePublic(
                                        new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(key.publicKey())));
                            } catch (java.security.GeneralSecurityException e) {
                                throw new org.jose4j.lang.UnresolvableKeyException(key.kid(), e);
                            }
                        }
                    }
                    throw new org.jose4j.lang.UnresolvableKeyException("no published key " + jws.getKeyIdHeaderValue());
                }).build();
        try {
            org.jose4j.jwt.JwtClaims claims = consumer.processToClaims(token);
            String username = claims.getStringClaimValue("upn");
            Principal principal = username == null ? null : store.principal(username).orElse(null);
            Object generation = claims.getClaimValue(AuthRecords.TOKEN_GENERATION_CLAIM);
            if (principal == null || principal.disabled()
                    || !(generation instanceof Number n && n.longValue() >= principal.tokenGeneration())
                    || (claims.getJwtId() != null && ended.contains(claims.getJwtId()))) {
                throw new Problem(Problem.Kind.UNAUTHORIZED, "the token is no longer valid");
            }
            return new Verified(principal, claims.getJwtId(), claims.getExpirationTime().getValue());
        } catch (org.jose4j.jwt.consumer.InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
            throw new Problem(Problem.Kind.UNAUTHORIZED, "the token is not valid");
        }
    }

    /** The rules, in order, that can apply to this principal (its own, its groups', everyone's). */
    private List<AclRule> applicableRules(Principal principal) {
        AclCheck.Subject subject = new AclCheck.Subject(principal.username(), null, principal.groups());
        return store.acl().stream().filter(rule -> AclCheck.appliesTo(rule, subject)).toList();
    }
}
