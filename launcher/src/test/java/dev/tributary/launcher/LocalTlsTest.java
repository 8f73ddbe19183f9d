package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tributary.common.tls.CertificateAuthority;

class LocalTlsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path data;

    private final List<String> said = new ArrayList<>();

    @Test
    void firstStart_makesACaAndAnEdgeCertificate_withOwnerOnlyKeys() throws Exception {
        LocalTls tls = new LocalTls(data.resolve("tls"));
        tls.ensure(NOW, said::add);

        assertThat(tls.caCertificate()).exists();
        assertThat(CertificateAuthority.readCertificate(tls.edgeCertificate()).getSubjectAlternativeNames())
                .extracting(e -> e.get(1).toString()).containsExactlyElementsOf(LocalTls.EDGE_NAMES);
        CertificateAuthority.readCertificate(tls.edgeCertificate())
                .verify(CertificateAuthority.readCertificate(tls.caCertificate()).getPublicKey());
        for (Path key : List.of(tls.edgeKey(), data.resolve("tls").resolve(LocalTls.CA_KEY))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).as(key.toString()).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls")))).isEqualTo("rwx------");
        assertThat(said).hasSize(2);
    }

    @Test
    void laterStarts_reuseTheFiles() throws Exception {
        LocalTls tls = new LocalTls(data.resolve("tls"));
        tls.ensure(NOW, said::add);
        String ca = Files.readString(tls.caCertificate());
        String edge = Files.readString(tls.edgeCertificate());
        said.clear();

        tls.ensure(NOW.plus(Duration.ofDays(100)), said::add);

        assertThat(Files.readString(tls.caCertificate())).isEqualTo(ca);
        assertThat(Files.readString(tls.edgeCertificate())).isEqualTo(edge);
        assertThat(said).isEmpty();
    }

    @Test
    void anEdgeCertificateDueToExpire_isRenewed_underTheSameCa() throws Exception {
        LocalTls tls = new LocalTls(data.resolve("tls"));
        tls.ensure(NOW, said::add);
        String ca = Files.readString(tls.caCertificate());
        Instant later = NOW.plus(LocalTls.EDGE_VALIDITY).minus(LocalTls.RENEW_BEFORE).plus(Duration.ofDays(1));

        tls.ensure(later, said::add);

        assertThat(Files.readString(tls.caCertificate())).as("the CA is kept: clients keep trusting it").isEqualTo(ca);
        assertThat(CertificateAuthority.readCertificate(tls.edgeCertificate()).getNotAfter().toInstant())
                .isEqualTo(later.plus(LocalTls.EDGE_VALIDITY));
        assertThat(said.get(said.size() - 1)).contains("it expires");
    }

    @Test
    void aCaDueToExpire_isMadeAgain_andTheEdgeCertificateWithIt() throws Exception {
        LocalTls tls = new LocalTls(data.resolve("tls"));
        tls.ensure(NOW, said::add);
        String ca = Files.readString(tls.caCertificate());

        tls.ensure(NOW.plus(LocalTls.CA_VALIDITY).minus(Duration.ofDays(1)), said::add);

        assertThat(Files.readString(tls.caCertificate())).isNotEqualTo(ca);
        CertificateAuthority.readCertificate(tls.edgeCertificate())
                .verify(CertificateAuthority.readCertificate(tls.caCertificate()).getPublicKey());
    }

    @Test
    void anEdgeCertificateOfAnotherCa_isIssuedAgain() throws Exception {
        LocalTls tls = new LocalTls(data.resolve("tls"));
        tls.ensure(NOW, said::add);
        CertificateAuthority.create("someone else", NOW, Duration.ofDays(365))
                .issueServer(LocalTls.EDGE_NAMES, NOW, Duration.ofDays(365)).write(tls.edgeCertificate(), tls.edgeKey());

        tls.ensure(NOW, said::add);

        CertificateAuthority.readCertificate(tls.edgeCertificate())
                .verify(CertificateAuthority.readCertificate(tls.caCertificate()).getPublicKey());
        assertThat(said.get(said.size() - 1)).contains("not signed by the local CA");
    }
}
