package dev.tributary.auth.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.tributary.auth.config.AuthConfig;
import dev.tributary.common.log.Untrusted;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * HTTP Basic for the admin API: one administrator whose credentials come from configuration. With no
 * admin password configured, every admin call is refused, so nothing is writable anonymously.
 */
@ApplicationScoped
public class AdminIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    public static final String ADMIN_ROLE = "admin";
    private static final Logger LOG = Logger.getLogger(AdminIdentityProvider.class);

    private final AuthConfig config;
    private final LoginGuard guard;

    public AdminIdentityProvider(AuthConfig config, LoginGuard guard) {
        this.config = config;
        this.guard = guard;
        if (config.admin().password().isEmpty()) {
            LOG.warn("tributary.auth.admin.password is not set: the admin API refuses every call");
        }
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String expected = config.admin().password().orElse(null);
        boolean ok = expected != null
                & constantTimeEquals(config.admin().username(), request.getUsername())
                & constantTimeEquals(expected, new String(request.getPassword().getPassword()));
        // counted by AdminLoginFilter before this check; a right password takes it back
        AdminLoginFilter.decided(HttpSecurityUtils.getRoutingContextAttribute(request), guard, ok, request.getUsername());
        if (!ok) {
            LOG.warnf("admin API: refused credentials for user %s", Untrusted.quote(request.getUsername()));
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(request.getUsername())).addRole(ADMIN_ROLE).build());
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
