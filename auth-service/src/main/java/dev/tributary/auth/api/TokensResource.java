package dev.tributary.auth.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.tributary.auth.Problem;
import dev.tributary.auth.security.LoginGuard;
import dev.tributary.auth.token.TokenService;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/** Tokens for devices and dashboard users, in exchange for their own credentials. */
@Path("/api/tokens")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TokensResource {

    public record Login(String username, String password) {
    }

    private final TokenService tokens;
    private final LoginGuard guard;

    public TokensResource(TokenService tokens, LoginGuard guard) {
        this.tokens = tokens;
        this.guard = guard;
    }

    @POST
    @Blocking // the password hash is slow on purpose
    @Operation(summary = "A short-lived JWT to use as the MQTT password (user name = the principal); 429 with Retry-After after too many failures")
    public TokenService.Issued issue(Login login, @Context HttpServerRequest request) {
        if (login == null) {
            throw Problem.badRequest("a JSON body with username and password is required");
        }
        // behind the web-dashboard (a trusted proxy), the browser's address
        return tokens.issue(login.username(), login.password(), guard.clientAddress(request));
    }
}
