package dev.tributary.auth.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;

/**
 * Everything auth-service keeps: principals, the ordered ACL and the token keys. Writes complete once
 * stored durably (for Kafka: acknowledged by all in-sync replicas), and reads see them from then on.
 */
public interface AuthStore {

    Optional<Principal> principal(String username);

    List<Principal> principals();

    List<AclRule> acl();

    List<SigningKey> signingKeys();

    CompletionStage<Void> putPrincipal(Principal principal);

    CompletionStage<Void> deletePrincipal(String username);

    CompletionStage<Void> putAcl(List<AclRule> rules);

    CompletionStage<Void> putSigningKeys(List<SigningKey> keys);
}
