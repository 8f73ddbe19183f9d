package dev.tributary.dashboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthTopicContents;
import dev.tributary.common.auth.EndedTokens;

/**
 * Checks a bearer token as the edge checks one used as an MQTT password: RS256 only, signed by a key the auth
 * topic publishes and that has not retired, the expected issuer, within its lifetime, naming an existing enabled
 * principal whose token generation it carries; and not ended by a log out at this dashboard.
 */
public final class TokenCheck {

    static final int MAX_TOKEN_BYTES = 8 * 1024;

    /** Who a valid token names, with their groups as the auth topic says now. */
    public record User(String username, List<String> groups, String tokenId, long expiresAtSeconds) {
    }

    private final AuthTopicContents auth;
    private final JwtConsumer consumer;
    private final EndedTokens ended;

    public TokenCheck(AuthTopicContents auth, String issuer, int clockSkewSeconds, EndedTokens ended) {
        this.auth = auth;
        this.ended = ended;
        VerificationKeyResolver resolver = (jws, nested) -> {
            String kid = jws.getKeyIdHeaderValue();
            long now = Instant.now().getEpochSecond();
            for (SigningKey key : auth.keys()) {
                if (key.kid().equals(kid) && !key.retiredAt(now)) {
                    return publicKey(key);
                }
            }
            throw new UnresolvableKeyException("no published, unretired key " + kid);
        };
        this.consumer = new JwtConsumerBuilder().setRequireExpirationTime().setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(clockSkewSeconds).setExpectedIssuer(issuer)
                .setVerificationKeyResolver(resolver)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
    }

    private static PublicKey publicKey(SigningKey key) throws UnresolvableKeyException {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey())));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new UnresolvableKeyException("unreadable key " + key.kid(), e);
        }
    }

    /** The user the token names, or null with the reason in {@code why[0]}. */
    public User verify(String token, String[] why) {
        if (token == null || token.isEmpty()) {
            why[0] = "no token";
            return null;
        }
        if (token.getBytes(StandardCharsets.US_ASCII).length > MAX_TOKEN_BYTES) {
            why[0] = "token_oversized";
            return null;
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String username = claims.getStringClaimValue("upn");
            if (username == null) {
                username = claims.getSubject();
            }
            Principal principal = username == null ? null : auth.principal(username).orElse(null);
            if (principal == null) {
                why[0] = "token_unknown_user";
                return null;
            }
            if (principal.disabled()) {
                why[0] = "disabled";
                return null;
            }
            Object generation = claims.getClaimValue(AuthRecords.TOKEN_GENERATION_CLAIM);
            boolean current = generation instanceof Number n ? n.longValue() >= principal.tokenGeneration()
                    : claims.getIssuedAt().getValue() >= principal.tokensNotBeforeSeconds();
            if (!current) {
                why[0] = "token_revoked";
                return null;
            }
            String id = claims.getJwtId();
            if (id != null && ended.contains(id)) {
                why[0] = "token_ended";
                return null;
            }
            return new User(username, principal.groups(), id, claims.getExpirationTime().getValue());
        } catch (InvalidJwtException e) {
            why[0] = e.hasExpired() ? "token_expired" : "token_invalid";
            return null;
        } catch (MalformedClaimException e) {
            why[0] = "token_malformed";
            return null;
        }
    }
}
