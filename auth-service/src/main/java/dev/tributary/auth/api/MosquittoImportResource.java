package dev.tributary.auth.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.tributary.auth.Problem;
import dev.tributary.auth.acl.AclService;
import dev.tributary.auth.importer.MosquittoFiles;
import dev.tributary.auth.principal.PrincipalService;
import dev.tributary.auth.security.AdminIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Moving over from Mosquitto: its passwd file (hashes kept as they are, so no device needs a new
 * password) and its acl_file, posted as the files' text. Admin only.
 */
@Path("/api/import/mosquitto")
@Consumes(MediaType.TEXT_PLAIN)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(AdminIdentityProvider.ADMIN_ROLE)
@SecurityRequirement(name = "admin")
public class MosquittoImportResource {

    private final PrincipalService principals;
    private final AclService acl;
    private final SecurityIdentity caller;

    public MosquittoImportResource(PrincipalService principals, AclService acl, SecurityIdentity caller) {
        this.principals = principals;
        this.acl = acl;
        this.caller = caller;
    }

    @POST
    @Path("/passwd")
    @Operation(summary = "Import a mosquitto_passwd file; a user of the same name is replaced; optional group for all")
    public Map<String, Object> passwd(String text, @QueryParam("group") String group) {
        List<MosquittoFiles.PasswdEntry> entries;
        try {
            entries = MosquittoFiles.passwd(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        }
        List<String> imported = new ArrayList<>();
        for (MosquittoFiles.PasswdEntry entry : entries) {
            try {
                principals.importHashed(caller.getPrincipal().getName(), entry.username(), entry.hash(),
                        group == null || group.isBlank() ? List.of() : List.of(group));
            } catch (Problem e) {
                throw new Problem(e.kind(), "passwd line " + entry.line() + ": " + e.getMessage(), e);
            }
            imported.add(entry.username());
        }
        return Map.of("imported", imported);
    }

    @POST
    @Path("/acl")
    @Operation(summary = "Import a Mosquitto acl_file; its rules are added after the existing ones, or before them with at=start")
    public Map<String, Object> aclFile(String text, @QueryParam("at") String at) {
        MosquittoFiles.AclImport parsed = MosquittoFiles.aclFile(text == null ? "" : text);
        if (at != null && !at.equals("start") && !at.equals("end")) {
            throw Problem.badRequest("at must be start or end: " + at);
        }
        // first matching rule decides: at the end, an existing allow rule still beats an imported deny
        acl.insert(caller.getPrincipal().getName(), parsed.rules(), "start".equals(at));
        return Map.of("rules", parsed.rules().size(), "skipped", parsed.skipped());
    }
}
