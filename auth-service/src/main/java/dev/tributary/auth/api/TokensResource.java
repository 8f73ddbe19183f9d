package dev.tributary.auth.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
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

    @POST
    @Path("/refresh")
    @Operation(summary = "A fresh token for the holder of a valid one (Authorization: Bearer); 401 once it expired, was ended or revoked")
    public TokenService.Issued refresh(@HeaderParam("Authorization") String authorization) {
        return tokens.refresh(bearer(authorization));
    }

    @POST
    @Path("/end")
    @Operation(summary = "Ends the bearer token (a log out): it can no longer be refreshed")
    public void end(@HeaderParam("Authorization") String authorization) {
        tokens.end(bearer(authorization));
    }

    private static String bearer(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : null;
    }
}
