package dev.tributary.edge.auth;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;

/**
 * The auth topic at one moment, immutable: principals by user name, the ordered ACL, token keys by id, and
 * for a replaced key the epoch second from which the tokens it signed are refused ({@code keyRetirements}).
 */
public record AuthSnapshot(Map<String, Principal> principals, List<AclRule> acl, Map<String, PublicKey> keys,
        Map<String, Long> keyRetirements) {

    public static final AuthSnapshot EMPTY = new AuthSnapshot(Map.of(), List.of(), Map.of());

    public AuthSnapshot {
        principals = Map.copyOf(principals);
        acl = List.copyOf(acl);
        keys = Map.copyOf(keys);
        keyRetirements = Map.copyOf(keyRetirements);
    }

    /** A snapshot whose keys never retire. */
    public AuthSnapshot(Map<String, Principal> principals, List<AclRule> acl, Map<String, PublicKey> keys) {
        this(principals, acl, keys, Map.of());
    }
}
