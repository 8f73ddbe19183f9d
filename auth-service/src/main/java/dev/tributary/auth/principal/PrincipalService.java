package dev.tributary.auth.principal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.tributary.auth.Problem;
import dev.tributary.auth.audit.Audit;
import dev.tributary.auth.store.AuthStore;
import dev.tributary.auth.store.Writes;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.PasswordHashes;

/** Devices and users: create, rotate, disable, delete, group membership. Every change is audited. */
public final class PrincipalService {

    /** User names, group names: what works as one MQTT topic level and in a ${username} rule. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuthStore store;
    private final int iterations;
    private final int generatedLength;

    public PrincipalService(AuthStore store, int iterations, int generatedLength) {
        if (iterations < 1 || iterations > PasswordHashes.MAX_ITERATIONS) {
            throw new IllegalArgumentException("tributary.auth.passwords.iterations must be 1 to " + PasswordHashes.MAX_ITERATIONS
                    + ": " + iterations);
        }
        this.store = store;
        this.iterations = iterations;
        this.generatedLength = generatedLength;
    }

    /** A created principal and its password, when this service made the password (shown once). */
    public record Created(Principal principal, String generatedPassword) {
    }

    public Created create(String actor, String username, Kind kind, String password, List<String> groups) {
        requireName("username", username);
        groups = groups == null ? List.of() : groups;
        groups.forEach(g -> requireName("group", g));
        if (store.principal(username).isPresent()) {
            throw new Problem(Problem.Kind.CONFLICT, username + " exists already");
        }
        String generated = password == null ? generatePassword() : null;
        String secret = password == null ? generated : password;
        requirePassword(secret);
        // tokens issued to an earlier principal of the same name carry a lower generation: they are not this one's
        Instant now = Instant.now();
        Principal principal = new Principal(username, kind == null ? Kind.DEVICE : kind,
                PasswordHashes.hash(secret, iterations), groups, false, now.getEpochSecond(), Principal.firstTokenGeneration(now));
        Writes.await(store.putPrincipal(principal));
        Audit.log(actor, "principal.create", username, "kind=" + principal.kind() + " groups=" + Audit.names(groups)
                + (generated != null ? " password=generated" : " password=supplied"));
        return new Created(principal, generated);
    }

    /**
     * Imports a principal with a hash made elsewhere (Mosquitto's passwd file). An existing principal of the
     * same name keeps its kind, state and groups (the import's groups are added): an import never re-enables
     * a disabled principal, and a changed hash revokes its tokens as a password rotation does.
     */
    public Principal importHashed(String actor, String username, String hash, List<String> groups) {
        requireName("username", username);
        groups = groups == null ? List.of() : groups;
        groups.forEach(g -> requireName("group", g));
        if (!PasswordHashes.isKnownFormat(hash)) {
            throw Problem.badRequest("the hash of " + username + " is in no format Tributary verifies ($6$, or $7$ with at most "
                    + PasswordHashes.MAX_ITERATIONS + " iterations)");
        }
        Optional<Principal> existing = store.principal(username);
        Principal principal;
        if (existing.isEmpty()) {
            Instant now = Instant.now();
            principal = new Principal(username, Kind.DEVICE, hash, groups, false, now.getEpochSecond(),
                    Principal.firstTokenGeneration(now));
        } else {
            Principal current = existing.get();
            List<String> merged = new java.util.ArrayList<>(current.groups());
            groups.stream().filter(g -> !merged.contains(g)).forEach(merged::add);
            principal = current.withGroups(merged);
            if (!current.passwordHash().equals(hash)) {
                principal = principal.withPasswordHash(hash).withTokensRevoked(Instant.now());
            }
            if (principal.equals(current)) {
                return current;
            }
        }
        Writes.await(store.putPrincipal(principal));
        Audit.log(actor, "principal.import", username, "hash=" + hash.substring(0, 3) + (existing.isPresent() ? " replaced" : ""));
        return principal;
    }

    public Created rotatePassword(String actor, String username, String password) {
        Principal current = require(username);
        String generated = password == null ? generatePassword() : null;
        String secret = password == null ? generated : password;
        requirePassword(secret);
        Principal rotated = current.withPasswordHash(PasswordHashes.hash(secret, iterations)).withTokensRevoked(Instant.now());
        Writes.await(store.putPrincipal(rotated));
        Audit.log(actor, "principal.rotate-password", username, "tokens=revoked");
        return new Created(rotated, generated);
    }

    public Principal setDisabled(String actor, String username, boolean disabled) {
        Principal changed = require(username).withDisabled(disabled);
        Writes.await(store.putPrincipal(changed));
        Audit.log(actor, disabled ? "principal.disable" : "principal.enable", username, null);
        return changed;
    }

    public Principal setGroups(String actor, String username, List<String> groups) {
        groups.forEach(g -> requireName("group", g));
        Principal changed = require(username).withGroups(groups);
        Writes.await(store.putPrincipal(changed));
        Audit.log(actor, "principal.groups", username, "groups=" + Audit.names(groups));
        return changed;
    }

    /** Tokens issued so far stop working; the password keeps working. */
    public Principal revokeTokens(String actor, String username) {
        Principal changed = require(username).withTokensRevoked(Instant.now());
        Writes.await(store.putPrincipal(changed));
        Audit.log(actor, "principal.revoke-tokens", username, null);
        return changed;
    }

    public void delete(String actor, String username) {
        require(username);
        Writes.await(store.deletePrincipal(username));
        Audit.log(actor, "principal.delete", username, null);
    }

    public Optional<Principal> find(String username) {
        return store.principal(username);
    }

    public List<Principal> list() {
        return store.principals();
    }

    private Principal require(String username) {
        return store.principal(username).orElseThrow(() -> Problem.notFound("no principal " + username));
    }

    private String generatePassword() {
        StringBuilder out = new StringBuilder(generatedLength);
        for (int i = 0; i < generatedLength; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    private static void requireName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw Problem.badRequest(what + " must be 1 to 128 of A-Z a-z 0-9 . _ : @ - (no MQTT wildcards or /): " + name);
        }
    }

    private static void requirePassword(String password) {
        if (password.length() < 8 || password.length() > 1024) {
            throw Problem.badRequest("a password has 8 to 1024 characters");
        }
    }
}
