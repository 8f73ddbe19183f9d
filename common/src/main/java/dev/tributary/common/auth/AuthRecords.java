package dev.tributary.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The format of the compacted auth topic: auth-service is its only writer, every edge keeps a
 * replica. Keys: {@code principal:<username>} (one per device or user; a tombstone deletes it),
 * {@code acl} (the whole ordered rule list, one value, because order decides) and {@code keys}
 * (the public keys tokens are signed with, so edges verify tokens with no call to auth-service).
 * Values are the JSON of the records below.
 */
public final class AuthRecords {

    public static final String PRINCIPAL_KEY_PREFIX = "principal:";
    public static final String ACL_KEY = "acl";
    public static final String KEYS_KEY = "keys";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private AuthRecords() {
    }

    public static String principalKey(String username) {
        return PRINCIPAL_KEY_PREFIX + username;
    }

    public enum Kind { DEVICE, USER }

    /**
     * A device or user. {@code passwordHash} is a self-describing hash ({@link PasswordHashes}), never a
     * password. Tokens are revoked by {@code tokenGeneration}: every token carries the generation it was
     * issued under (claim {@link #TOKEN_GENERATION_CLAIM}), and one below the principal's current generation
     * is refused. Revoking tokens, rotating the password or importing a new hash raises the generation, and a
     * principal is created with one above any that a deleted principal of the same name can have had, so a
     * token issued in the same second (or millisecond) as a revocation is still told apart exactly.
     * {@code tokensNotBeforeSeconds} (epoch seconds) revokes tokens without a generation claim by their
     * {@code iat}, which has only a second's resolution.
     */
    public record Principal(String username, Kind kind, String passwordHash, List<String> groups, boolean disabled,
            long tokensNotBeforeSeconds, long tokenGeneration) {

        public Principal {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        /** A principal whose tokens have generation 0 (records written before token generations existed). */
        public Principal(String username, Kind kind, String passwordHash, List<String> groups, boolean disabled,
                long tokensNotBeforeSeconds) {
            this(username, kind, passwordHash, groups, disabled, tokensNotBeforeSeconds, 0);
        }

        public Principal withPasswordHash(String hash) {
            return new Principal(username, kind, hash, groups, disabled, tokensNotBeforeSeconds, tokenGeneration);
        }

        public Principal withDisabled(boolean value) {
            return new Principal(username, kind, passwordHash, groups, value, tokensNotBeforeSeconds, tokenGeneration);
        }

        public Principal withGroups(List<String> value) {
            return new Principal(username, kind, passwordHash, value, disabled, tokensNotBeforeSeconds, tokenGeneration);
        }

        public Principal withTokensNotBefore(long epochSeconds) {
            return new Principal(username, kind, passwordHash, groups, disabled, epochSeconds, tokenGeneration);
        }

        /**
         * Tokens issued so far are revoked: the generation moves past both the current one and the clock's
         * microseconds (so it stays above what a deleted principal of the same name had), and tokens without a
         * generation claim are revoked up to this second.
         */
        public Principal withTokensRevoked(java.time.Instant now) {
            return new Principal(username, kind, passwordHash, groups, disabled,
                    Math.max(tokensNotBeforeSeconds, now.getEpochSecond() + 1), Math.max(tokenGeneration + 1, micros(now)));
        }

        /** The first token generation of a principal created now. */
        public static long firstTokenGeneration(java.time.Instant now) {
            return micros(now);
        }

        private static long micros(java.time.Instant now) {
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }
    }

    /** The JWT claim that carries the token generation a token was issued under. */
    public static final String TOKEN_GENERATION_CLAIM = "tgen";

    /**
     * Whom a rule is for: one user, the members of a group, every client, or the clients connected without a
     * user name (Mosquitto's acl_file lines before the first {@code user} line).
     */
    public enum Who { USER, GROUP, ANY, ANONYMOUS }

    /**
     * What a rule is about. {@code CONNECT} rules are not about topics: their {@code topicFilter} is a client id
     * pattern ({@link ClientIdCheck}), and {@code BOTH} does not cover them.
     */
    public enum Action {
        PUBLISH, SUBSCRIBE, BOTH, CONNECT;

        public boolean covers(Action wanted) {
            return this == wanted || (this == BOTH && wanted != CONNECT);
        }
    }

    /**
     * One ordered ACL rule. {@code name} is the user or group name ({@code null} for ANY and ANONYMOUS).
     * {@code action} SUBSCRIBE is the right to receive: to subscribe, and to be sent each message.
     * {@code topicFilter} may hold {@code ${username}} and {@code ${clientid}} as whole levels; for a
     * {@code CONNECT} rule it is a client id pattern instead ({@link ClientIdCheck}).
     */
    public record AclRule(Who who, String name, String topicFilter, Action action, boolean allow) {
    }

    /**
     * A public key tokens are signed with: {@code kid}, algorithm (RS256), X.509 DER in base64, and when the
     * key has been replaced, {@code retiresAtSeconds}: the epoch second from which tokens it signed are refused
     * (null while it is the signing key). A replaced key stays published until then, so the tokens it signed
     * keep working for their lifetime, and is dropped afterwards.
     */
    public record SigningKey(String kid, String algorithm, String publicKey, Long retiresAtSeconds) {

        public SigningKey(String kid, String algorithm, String publicKey) {
            this(kid, algorithm, publicKey, null);
        }

        public SigningKey retiringAt(long epochSeconds) {
            return new SigningKey(kid, algorithm, publicKey, epochSeconds);
        }

        /** Whether tokens this key signed are refused at {@code epochSeconds}. */
        public boolean retiredAt(long epochSeconds) {
            return retiresAtSeconds != null && epochSeconds >= retiresAtSeconds;
        }
    }

    public static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Principal principal(byte[] json) {
        return read(json, new TypeReference<Principal>() { });
    }

    public static List<AclRule> acl(byte[] json) {
        return read(json, new TypeReference<List<AclRule>>() { });
    }

    public static List<SigningKey> keys(byte[] json) {
        return read(json, new TypeReference<List<SigningKey>>() { });
    }

    private static <T> T read(byte[] json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an auth record: " + e.getMessage(), e);
        }
    }
}
