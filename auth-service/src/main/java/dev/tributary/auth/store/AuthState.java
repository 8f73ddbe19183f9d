package dev.tributary.auth.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;

/** The current contents of the auth topic, as both store implementations hold it in memory. */
final class AuthState {

    final ConcurrentMap<String, Principal> principals = new ConcurrentHashMap<>();
    volatile List<AclRule> acl = List.of();
    volatile List<SigningKey> keys = List.of();

    Optional<Principal> principal(String username) {
        return Optional.ofNullable(principals.get(username));
    }

    /** In user name order, so listings are stable. */
    List<Principal> principals() {
        Map<String, Principal> sorted = new TreeMap<>(principals);
        return List.copyOf(sorted.values());
    }
}
