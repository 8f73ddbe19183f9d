package dev.tributary.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void aGeneratedKey_isKeptInAFileOnlyItsOwnerCanRead_andReusedOnTheNextStart() throws Exception {
        Path kept = dir.resolve("auth").resolve("token-signing-key.pem");

        SigningKeys first = SigningKeys.load(null, kept);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
        assertThat(Files.readString(kept)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(kept.resolveSibling(kept.getFileName() + ".tmp")).doesNotExist();
        assertThat(SigningKeys.load(null, kept).kid()).isEqualTo(first.kid());
    }
}
