package dev.tributary.edge.auth;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;

import java.util.function.Supplier;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.common.auth.AuthRecords;

/**
 * Checks a token from auth-service used as an MQTT password: at most {@link #MAX_TOKEN_BYTES}, algorithm
 * RS256 only (so neither {@code none} nor an HMAC keyed with the public key), a key published on the auth
 * topic (chosen by {@code kid}) that has not retired, its signature, issuer, expiry and not-before, and that
 * it names the user who connects. Each refusal has one reason code, for the log line and the metric.
 */
final class TokenVerifier {

    /** The largest token looked at: auth-service's are about 1 KiB; a bigger one is refused before parsing. */
    static final int MAX_TOKEN_BYTES = 8 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a valid token says; {@code generation} null for a token issued without one. */
    record Verified(String username, long issuedAtSeconds, Long generation) {
    }

    /** Why a token was refused: a reason code (snake case) and a detail for the log. */
    record Refusal(String reason, String detail) {
    }

    private final JwtConsumer consumer;
    private final Supplier<AuthSnapshot> snapshot;

    /** {@code snapshot}: the auth topic now, for its keys and their retirement (read on every check). */
    TokenVerifier(String issuer, int clockSkewSeconds, Supplier<AuthSnapshot> snapshot) {
        this.snapshot = snapshot;
        VerificationKeyResolver resolver = (jws, nested) -> {
            PublicKey key = snapshot.get().keys().get(jws.getKeyIdHeaderValue());
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

    /**
     * The token's claims if it is valid for {@code username} at {@code now}; otherwise null, with the refusal in
     * {@code refused[0]}.
     */
    Verified verify(byte[] token, String username, Instant now, Refusal[] refused) {
        if (token.length > MAX_TOKEN_BYTES) {
            refused[0] = new Refusal("token_oversized", token.length + " bytes, more than " + MAX_TOKEN_BYTES);
            return null;
        }
        String compact = new String(token, java.nio.charset.StandardCharsets.US_ASCII);
        // the header is read first, so each attack gets its own reason; jose4j checks it all again below
        JsonNode header;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(compact.substring(0, compact.indexOf('.'))));
        } catch (IOException | IllegalArgumentException e) {
            refused[0] = new Refusal("token_malformed", "unreadable header");
            return null;
        }
        String alg = header.path("alg").asText("");
        if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(alg)) {
            refused[0] = new Refusal("token_algorithm", "algorithm " + (alg.isEmpty() ? "missing" : alg) + " is not RS256");
            return null;
        }
        String kid = header.path("kid").asText(null);
        AuthSnapshot keys = snapshot.get();
        if (kid == null || !keys.keys().containsKey(kid)) {
            refused[0] = new Refusal("token_unknown_key", "no published key " + kid);
            return null;
        }
        Long retiresAt = keys.keyRetirements().get(kid);
        if (retiresAt != null && now.getEpochSecond() >= retiresAt) {
            refused[0] = new Refusal("token_retired_key", "key " + kid + " retired at " + Instant.ofEpochSecond(retiresAt));
            return null;
        }
        try {
            JwtClaims claims = consumer.processToClaims(compact);
            String upn = claims.getStringClaimValue("upn");
            String subject = upn != null ? upn : claims.getSubject();
            if (!username.equals(subject)) {
                refused[0] = new Refusal("token_other_user", "the token names another user");
                return null;
            }
            Object generation = claims.getClaimValue(AuthRecords.TOKEN_GENERATION_CLAIM);
            return new Verified(subject, claims.getIssuedAt().getValue(),
                    generation instanceof Number n ? Long.valueOf(n.longValue()) : null);
        } catch (InvalidJwtException e) {
            refused[0] = new Refusal(reason(e), e.getErrorDetails().isEmpty() ? e.getMessage()
                    : e.getErrorDetails().get(0).getErrorMessage());
            return null;
        } catch (MalformedClaimException e) {
            refused[0] = new Refusal("token_malformed", e.getMessage());
            return null;
        }
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "token_expired";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "token_not_yet_valid";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "token_wrong_issuer";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "token_bad_signature";
        }
        return "token_malformed";
    }
}
