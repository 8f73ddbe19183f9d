package dev.tributary.auth.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;

/** The store for unit tests: the same contract, nothing durable. */
public final class InMemoryAuthStore implements AuthStore {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    private final AuthState state = new AuthState();

    @Override
    public Optional<Principal> principal(String username) {
        return state.principal(username);
    }

    @Override
    public List<Principal> principals() {
        return state.principals();
    }

    @Override
    public List<AclRule> acl() {
        return state.acl;
    }

    @Override
    public List<SigningKey> signingKeys() {
        return state.keys;
    }

    @Override
    public CompletionStage<Void> putPrincipal(Principal principal) {
        state.principals.put(principal.username(), principal);
        return DONE;
    }

    @Override
    public CompletionStage<Void> deletePrincipal(String username) {
        state.principals.remove(username);
        return DONE;
    }

    @Override
    public CompletionStage<Void> putAcl(List<AclRule> rules) {
        state.acl = List.copyOf(rules);
        return DONE;
    }

    @Override
    public CompletionStage<Void> putSigningKeys(List<SigningKey> keys) {
        state.keys = List.copyOf(keys);
        return DONE;
    }
}
