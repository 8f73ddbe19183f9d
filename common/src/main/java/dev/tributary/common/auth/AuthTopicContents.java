package dev.tributary.common.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;

/**
 * What the auth topic says once its records are applied in order, the one reading of the format that
 * auth-service (its store) and the edges (their replicas) share: the latest value per key wins, a null
 * value (a tombstone) deletes a principal, keys this version does not know are ignored.
 */
public final class AuthTopicContents {

    private final ConcurrentMap<String, Principal> principals = new ConcurrentHashMap<>();
    private volatile List<AclRule> acl = List.of();
    private volatile List<SigningKey> keys = List.of();

    /**
     * Applies one record.
     *
     * @throws IllegalArgumentException when the value is not readable as its key says (nothing changes then)
     */
    public void apply(String key, byte[] value) {
        if (key == null) {
            return;
        }
        if (key.startsWith(AuthRecords.PRINCIPAL_KEY_PREFIX)) {
            String username = key.substring(AuthRecords.PRINCIPAL_KEY_PREFIX.length());
            if (value == null) {
                principals.remove(username);
            } else {
                principals.put(username, AuthRecords.principal(value));
            }
        } else if (key.equals(AuthRecords.ACL_KEY)) {
            acl = value == null ? List.of() : List.copyOf(AuthRecords.acl(value));
        } else if (key.equals(AuthRecords.KEYS_KEY)) {
            keys = value == null ? List.of() : List.copyOf(AuthRecords.keys(value));
        }
    }

    public Optional<Principal> principal(String username) {
        return Optional.ofNullable(principals.get(username));
    }

    /** In user name order, so listings are stable. */
    public List<Principal> principals() {
        return List.copyOf(new TreeMap<>(principals).values());
    }

    /** A copy of the principals by user name. */
    public Map<String, Principal> principalsByName() {
        return Map.copyOf(principals);
    }

    public List<AclRule> acl() {
        return acl;
    }

    public List<SigningKey> keys() {
        return keys;
    }
}
