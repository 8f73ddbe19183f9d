package dev.tributary.auth.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthTopicContents;

/**
 * A store that is a log of auth records: every change becomes one record (key, JSON value, or a tombstone)
 * in the auth topic's format, and reads come from those records applied in order. Subclasses decide
 * where a record goes and when it counts as written.
 */
abstract class RecordStore implements AuthStore {

    protected final AuthTopicContents contents = new AuthTopicContents();

    /** Stores one record; {@link #contents} must show it once the returned stage completes. */
    protected abstract CompletionStage<Void> write(String key, byte[] value);

    @Override
    public Optional<Principal> principal(String username) {
        return contents.principal(username);
    }

    @Override
    public List<Principal> principals() {
        return contents.principals();
    }

    @Override
    public List<AclRule> acl() {
        return contents.acl();
    }

    @Override
    public List<SigningKey> signingKeys() {
        return contents.keys();
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
}
