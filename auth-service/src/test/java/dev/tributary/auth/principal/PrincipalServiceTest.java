package dev.tributary.auth.principal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tributary.auth.Problem;
import dev.tributary.auth.store.InMemoryAuthStore;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.PasswordHashes;

/** The principal rules without Kafka: the in-memory store holds the same records. */
class PrincipalServiceTest {

    private final InMemoryAuthStore store = new InMemoryAuthStore();
    private final PrincipalService principals = new PrincipalService(store, 1000, 24);

    @Test
    void aGeneratedPassword_isReturnedOnce_andOnlyItsHashIsStored() {
        PrincipalService.Created created = principals.create("admin", "v1", null, null, List.of("trucks"));
        String password = created.generatedPassword();
        Principal stored = store.principal("v1").orElseThrow();
        assertThat(password).hasSize(24);
        assertThat(stored.kind()).isEqualTo(Kind.DEVICE);
        assertThat(stored.passwordHash()).startsWith("$7$1000$").doesNotContain(password);
        assertThat(PasswordHashes.verify(password.getBytes(StandardCharsets.UTF_8), stored.passwordHash())).isTrue();
        assertThat(principals.create("admin", "v2", Kind.USER, "chosen-password", null).generatedPassword()).isNull();
    }

    @Test
    void namesThatWouldActAsWildcards_orDuplicates_orShortPasswords_areRefused() {
        for (String name : new String[] {"a/b", "#", "v+", "", "x y"}) {
            assertThatThrownBy(() -> principals.create("admin", name, null, null, null)).as(name)
                    .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.BAD_REQUEST));
        }
        principals.create("admin", "v1", null, null, null);
        assertThatThrownBy(() -> principals.create("admin", "v1", null, null, null))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.CONFLICT));
        assertThatThrownBy(() -> principals.create("admin", "v3", null, "short", null)).hasMessageContaining("8 to 1024");
    }

    @Test
    void rotatingAPassword_revokesTokensIssuedBefore() {
        principals.create("admin", "v1", null, "first-password", null);
        long created = store.principal("v1").orElseThrow().tokensNotBeforeSeconds();
        principals.rotatePassword("admin", "v1", "second-password");
        Principal rotated = store.principal("v1").orElseThrow();
        assertThat(rotated.tokensNotBeforeSeconds()).isGreaterThanOrEqualTo(created);
        assertThat(PasswordHashes.verify("second-password".getBytes(StandardCharsets.UTF_8), rotated.passwordHash())).isTrue();
    }

    @Test
    void anImportedHashMustBeOneTheEdgeCanVerify() {
        assertThatThrownBy(() -> principals.importHashed("admin", "old", "$2y$10$bcrypt-is-not-mosquitto", List.of()))
                .hasMessageContaining("no format");
        principals.importHashed("admin", "old", PasswordHashes.hash("legacy-password", 10), List.of());
        assertThat(store.principal("old")).isPresent();
    }

    @Test
    void aPrincipalDeletedAndCreatedAgain_refusesTheTokensOfTheOldOne() {
        long before = Instant.now().getEpochSecond();
        principals.create("admin", "v1", null, "first-password", null);
        principals.delete("admin", "v1");
        principals.create("admin", "v1", null, "other-password", null);
        // the edge refuses a token whose iat is before tokensNotBefore: every token of the first v1 was issued before
        assertThat(store.principal("v1").orElseThrow().tokensNotBeforeSeconds()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void reimportingAPasswdFile_keepsADisabledPrincipalDisabled_andANewHashRevokesItsTokens() {
        principals.importHashed("admin", "old", PasswordHashes.hash("legacy-password", 10), List.of("trucks"));
        principals.setDisabled("admin", "old", true);
        principals.revokeTokens("admin", "old");
        long revoked = store.principal("old").orElseThrow().tokensNotBeforeSeconds();

        principals.importHashed("admin", "old", PasswordHashes.hash("new-password", 10), List.of("north"));

        Principal reimported = store.principal("old").orElseThrow();
        assertThat(reimported.disabled()).as("an import never re-enables").isTrue();
        assertThat(reimported.tokensNotBeforeSeconds()).as("tokens stay revoked").isGreaterThanOrEqualTo(revoked);
        assertThat(reimported.groups()).containsExactly("trucks", "north");
        assertThat(PasswordHashes.verify("new-password".getBytes(StandardCharsets.UTF_8), reimported.passwordHash())).isTrue();
    }

    @Test
    void reimportingTheSameHash_changesNothing() {
        String hash = PasswordHashes.hash("legacy-password", 10);
        principals.importHashed("admin", "old", hash, List.of());
        Principal first = store.principal("old").orElseThrow();
        principals.importHashed("admin", "old", hash, List.of());
        assertThat(store.principal("old").orElseThrow()).isEqualTo(first);
    }

    @Test
    void disableDeleteAndGroups_changeTheStoredPrincipal() {
        principals.create("admin", "v1", null, null, null);
        assertThat(principals.setDisabled("admin", "v1", true).disabled()).isTrue();
        assertThat(principals.setGroups("admin", "v1", List.of("vans")).groups()).containsExactly("vans");
        principals.delete("admin", "v1");
        assertThat(store.principal("v1")).isEmpty();
        assertThatThrownBy(() -> principals.delete("admin", "v1"))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind()).isEqualTo(Problem.Kind.NOT_FOUND));
    }
}
