package dev.tributary.edge.auth;

import java.security.PublicKey;
import java.util.Map;
import java.util.function.Supplier;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Checks a token from auth-service used as an MQTT password: RS256 signature by a key published on the
 * auth topic (chosen by {@code kid}), issuer, expiry, and that it names the user who connects.
 */
final class TokenVerifier {

    /** What a valid token says. */
    record Verified(String username, long issuedAtSeconds) {
    }

    private final JwtConsumer consumer;

    /** {@code keys}: the token keys published on the auth topic now, by key id (read on every check). */
    TokenVerifier(String issuer, int clockSkewSeconds, Supplier<Map<String, PublicKey>> keys) {
        VerificationKeyResolver resolver = (jws, nested) -> {
            PublicKey key = keys.get().get(jws.getKeyIdHeaderValue());
            if (key == null) {
                throw new UnresolvableKeyException("unknown key id " + jws.getKeyIdHeaderValue());
            }
            return key;
        };
        // built once: a JwtConsumer is immutable and safe to share between threads
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(clockSkewSeconds)
                .setExpectedIssuer(issuer)
                .setVerificationKeyResolver(resolver)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
    }

    /** Whether the password has a token's shape (three base64url parts, a JSON header): then it is checked as one. */
    static boolean looksLikeToken(byte[] password) {
        if (password == null || password.length < 20 || password[0] != 'e' || password[1] != 'y') {
            return false;
        }
        int dots = 0;
        for (byte b : password) {
            if (b == '.') {
                dots++;
            } else if (!(Character.isLetterOrDigit(b) || b == '-' || b == '_')) {
                return false;
            }
        }
        return dots == 2;
    }

    /** The token's claims if it is valid for {@code username}; null otherwise, with the reason in {@code why}. */
    Verified verify(String token, String username, StringBuilder why) {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String upn = claims.getStringClaimValue("upn");
            String subject = upn != null ? upn : claims.getSubject();
            if (!username.equals(subject)) {
                why.append("token names ").append(subject).append(", not ").append(username);
                return null;
            }
            return new Verified(subject, claims.getIssuedAt().getValue());
        } catch (InvalidJwtException | MalformedClaimException e) {
            why.append(e.getMessage());
            return null;
        }
    }
}
