package dev.tributary.auth.api;

import java.nio.file.Path;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.tributary.auth.Problem;
import dev.tributary.auth.config.AuthConfig;
import dev.tributary.auth.security.AdminIdentityProvider;
import dev.tributary.auth.token.TokenService;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import io.quarkus.security.identity.SecurityIdentity;

/** The token signing keys: list them, and replace the signing key. Admin only. */
@jakarta.ws.rs.Path("/api/keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(AdminIdentityProvider.ADMIN_ROLE)
@SecurityRequirement(name = "admin")
public class KeysResource {

    /** A published key: {@code retiresAt} (epoch seconds) is null for the signing key. */
    public record KeyView(String kid, String algorithm, boolean signing, Long retiresAt) {
    }

    private final TokenService tokens;
    private final AuthConfig config;
    private final SecurityIdentity caller;

    public KeysResource(TokenService tokens, AuthConfig config, SecurityIdentity caller) {
        this.tokens = tokens;
        this.config = config;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The published token keys, the signing key first; a replaced key with the time it retires")
    public List<KeyView> keys() {
        List<SigningKey> keys = tokens.publishedKeys();
        return keys.stream().map(k -> new KeyView(k.kid(), k.algorithm(), k == keys.get(0), k.retiresAtSeconds())).toList();
    }

    @POST
    @jakarta.ws.rs.Path("/rotate")
    @Operation(summary = "Sign with a new key; the previous one verifies the tokens it signed until the longest "
            + "token lifetime (tributary.auth.tokens.max-lifetime) has passed, then edges refuse them")
    public List<KeyView> rotate() {
        if (config.tokens().privateKey().isPresent()) {
            throw new Problem(Problem.Kind.CONFLICT, "the signing key is set by tributary.auth.tokens.private-key: "
                    + "replace that file and restart to rotate it");
        }
        tokens.rotateKey(caller.getPrincipal().getName(), Path.of(config.tokens().keyFile()));
        return keys();
    }
}
