package dev.tributary.auth.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.tributary.auth.Problem;
import dev.tributary.auth.acl.AclService;
import dev.tributary.auth.security.AdminIdentityProvider;
import dev.tributary.common.auth.AuthRecords.AclRule;
import io.quarkus.security.identity.SecurityIdentity;

/** The ordered ACL rules; the first rule that applies decides, and nothing applying means deny. Admin only. */
@Path("/api/acl")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(AdminIdentityProvider.ADMIN_ROLE)
@SecurityRequirement(name = "admin")
public class AclResource {

    private final AclService acl;
    private final SecurityIdentity caller;

    public AclResource(AclService acl, SecurityIdentity caller) {
        this.acl = acl;
        this.caller = caller;
    }

    @GET
    public List<AclRule> rules() {
        return acl.rules();
    }

    @PUT
    @Operation(summary = "Replace the whole ordered rule list")
    public List<AclRule> replace(List<AclRule> rules) {
        return acl.replace(caller.getPrincipal().getName(), require(rules));
    }

    @POST
    @Operation(summary = "Add rules at the end of the list")
    public List<AclRule> append(List<AclRule> rules) {
        return acl.append(caller.getPrincipal().getName(), require(rules));
    }

    private static List<AclRule> require(List<AclRule> rules) {
        if (rules == null) {
            throw Problem.badRequest("a JSON array of rules is required");
        }
        return rules;
    }
}
