package dev.tributary.auth.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;

import dev.tributary.auth.Problem;
import dev.tributary.auth.principal.PrincipalService;
import dev.tributary.auth.security.AdminIdentityProvider;
import dev.tributary.auth.token.TokenService;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import io.quarkus.security.identity.SecurityIdentity;

/** Devices and users, and the groups they belong to. Admin only. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(AdminIdentityProvider.ADMIN_ROLE)
@SecurityScheme(securitySchemeName = "admin", type = SecuritySchemeType.HTTP, scheme = "basic")
@SecurityRequirement(name = "admin")
public class PrincipalsResource {

    /** A principal as the API shows it: never its hash. */
    public record PrincipalView(String username, Kind kind, List<String> groups, boolean disabled) {
        static PrincipalView of(Principal p) {
            return new PrincipalView(p.username(), p.kind(), p.groups(), p.disabled());
        }
    }

    /** {@code password} is returned only when this service generated it: it is shown this once. */
    public record WithPassword(String username, Kind kind, List<String> groups, boolean disabled, String password) {
    }

    public record NewPrincipal(String username, Kind kind, String password, List<String> groups) {
    }

    public record NewPassword(String password) {
    }

    /** {@code ttlSeconds} null: the configured token lifetime. */
    public record TokenRequest(Long ttlSeconds) {
    }

    private final PrincipalService principals;
    private final TokenService tokens;
    private final SecurityIdentity caller;

    public PrincipalsResource(PrincipalService principals, TokenService tokens, SecurityIdentity caller) {
        this.principals = principals;
        this.tokens = tokens;
        this.caller = caller;
    }

    @GET
    @Path("/principals")
    @Operation(summary = "List devices and users")
    public List<PrincipalView> list() {
        return principals.list().stream().map(PrincipalView::of).toList();
    }

    @POST
    @Path("/principals")
    @Operation(summary = "Create a device or user; without a password one is generated and returned once")
    public Response create(NewPrincipal request) {
        if (request == null) {
            throw Problem.badRequest("a JSON body with username is required");
        }
        PrincipalService.Created created = principals.create(actor(), request.username(), request.kind(),
                request.password(), request.groups());
        return Response.status(201).entity(withPassword(created)).build();
    }

    @GET
    @Path("/principals/{username}")
    public PrincipalView get(@PathParam("username") String username) {
        return principals.find(username).map(PrincipalView::of)
                .orElseThrow(() -> Problem.notFound("no principal " + username));
    }

    @POST
    @Path("/principals/{username}/password")
    @Operation(summary = "Rotate the password (supplied, or generated and returned once); revokes issued tokens")
    public WithPassword rotate(@PathParam("username") String username, NewPassword request) {
        return withPassword(principals.rotatePassword(actor(), username, request == null ? null : request.password()));
    }

    @POST
    @Path("/principals/{username}/disable")
    @Operation(summary = "Disable: connects are refused and live connections are closed by every edge")
    public PrincipalView disable(@PathParam("username") String username) {
        return PrincipalView.of(principals.setDisabled(actor(), username, true));
    }

    @POST
    @Path("/principals/{username}/enable")
    public PrincipalView enable(@PathParam("username") String username) {
        return PrincipalView.of(principals.setDisabled(actor(), username, false));
    }

    @PUT
    @Path("/principals/{username}/groups")
    @Operation(summary = "Set the groups a principal belongs to")
    public PrincipalView groups(@PathParam("username") String username, List<String> groups) {
        return PrincipalView.of(principals.setGroups(actor(), username, groups == null ? List.of() : groups));
    }

    @POST
    @Path("/principals/{username}/revoke-tokens")
    @Operation(summary = "Revoke every token issued to the principal so far")
    public PrincipalView revokeTokens(@PathParam("username") String username) {
        return PrincipalView.of(principals.revokeTokens(actor(), username));
    }

    @POST
    @Path("/principals/{username}/token")
    @Operation(summary = "Issue a token for the principal without its password (to hand to a device); optional ttlSeconds")
    public TokenService.Issued token(@PathParam("username") String username, TokenRequest request) {
        Long ttl = request == null ? null : request.ttlSeconds();
        return tokens.issueFor(actor(), username, ttl == null ? null : Duration.ofSeconds(ttl));
    }

    @DELETE
    @Path("/principals/{username}")
    public Response delete(@PathParam("username") String username) {
        principals.delete(actor(), username);
        return Response.noContent().build();
    }

    @GET
    @Path("/groups")
    @Operation(summary = "Groups and their members")
    public Map<String, TreeSet<String>> groups() {
        Map<String, TreeSet<String>> groups = new TreeMap<>();
        for (Principal p : principals.list()) {
            p.groups().forEach(g -> groups.computeIfAbsent(g, k -> new TreeSet<>()).add(p.username()));
        }
        return groups;
    }

    private String actor() {
        return caller.getPrincipal().getName();
    }

    private static WithPassword withPassword(PrincipalService.Created created) {
        Principal p = created.principal();
        return new WithPassword(p.username(), p.kind(), p.groups(), p.disabled(), created.generatedPassword());
    }
}
