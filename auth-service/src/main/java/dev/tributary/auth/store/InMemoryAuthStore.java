package dev.tributary.auth.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthTopicContents;

/** The store for unit tests: the same contract, nothing durable. */
public final class InMemoryAuthStore implements AuthStore {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    private final AuthTopicContents state = new AuthTopicContents();

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
        return state.acl();
    }

    @Override
    public List<SigningKey> signingKeys() {
        return state.keys();
    }

    @Override
    public CompletionStage<Void> putPrincipal(Principal principal) {
        return write(AuthRecords.principalKey(principal.username()), AuthRecords.encode(principal));
    }

    @Override
    public CompletionStage<Void> deletePrincipal(String username) {
        return write(AuthRecords.principalKey(username), null);
    }

    @Override
    public CompletionStage<Void> putAcl(List<AclRule> rules) {
        return write(AuthRecords.ACL_KEY, AuthRecords.encode(rules));
    }

    @Override
    public CompletionStage<Void> putSigningKeys(List<SigningKey> keys) {
        return write(AuthRecords.KEYS_KEY, AuthRecords.encode(keys));
    }

    /** Through the same encoding as Kafka's records, so this store cannot hold what Kafka could not. */
    private synchronized CompletionStage<Void> write(String key, byte[] value) {
        state.apply(key, value);
        return DONE;
    }
}
