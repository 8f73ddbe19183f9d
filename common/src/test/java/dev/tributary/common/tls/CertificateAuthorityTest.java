package dev.tributary.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aServerCertificate_chainsToItsCa_andNamesItsHostsAsAlternativeNames() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", NOW, Duration.ofDays(365));
        CertificateAuthority.Issued server = ca.issueServer(List.of("127.0.0.1", "localhost", "::1"), NOW, Duration.ofDays(30));

        validate(server.certificate(), ca.ca().certificate(), NOW.plus(Duration.ofDays(1)));
        assertThat(server.certificate().getSubjectAlternativeNames())
                .extracting(entry -> entry.get(1).toString())
                .containsExactly("127.0.0.1", "localhost", "0:0:0:0:0:0:0:1");
        assertThat(server.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(server.certificate().getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(ca.ca().certificate().getBasicConstraints()).isEqualTo(0); // a CA that signs end entities only
        assertThat(server.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    }

    @Test
    void aCertificate_isNotValidAfterItsValidity() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", NOW, Duration.ofDays(365));
        CertificateAuthority.Issued server = ca.issueServer(List.of("localhost"), NOW, Duration.ofDays(1));

        assertThatThrownBy(() -> validate(server.certificate(), ca.ca().certificate(), NOW.plus(Duration.ofDays(2))))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void aCertificate_ofAnotherCa_doesNotChain() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", NOW, Duration.ofDays(365));
        CertificateAuthority other = CertificateAuthority.create("Other CA", NOW, Duration.ofDays(365));
        CertificateAuthority.Issued server = other.issueServer(List.of("localhost"), NOW, Duration.ofDays(1));

        assertThatThrownBy(() -> validate(server.certificate(), ca.ca().certificate(), NOW))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void aCaLimitedToLocalNames_permitsOnlyThemInACriticalNameConstraint_andStillSignsThem() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Local CA", NOW, Duration.ofDays(365), List.of("127.0.0.1", "localhost"));

        // the JDK's PKIX ignores a root's own constraints; browsers and OpenSSL apply them. What is checked here
        // is the extension they read: critical, permitting exactly these names, excluding none
        X509Certificate root = ca.ca().certificate();
        assertThat(root.getCriticalExtensionOIDs()).contains("2.5.29.30");
        org.bouncycastle.asn1.x509.NameConstraints constraints = org.bouncycastle.asn1.x509.NameConstraints.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(root.getExtensionValue("2.5.29.30")).getOctets());
        assertThat(constraints.getExcludedSubtrees()).isNull();
        assertThat(java.util.Arrays.stream(constraints.getPermittedSubtrees()).map(t -> t.getBase().toString()))
                .containsExactly("7: #7f000001ffffffff", "2: localhost");
        validate(ca.issueServer(List.of("127.0.0.1", "localhost"), NOW, Duration.ofDays(1)).certificate(), root, NOW);
        assertThat(CertificateAuthority.create("Any", NOW, Duration.ofDays(1)).ca().certificate().getExtensionValue("2.5.29.30"))
                .as("no constraints unless asked").isNull();
    }

    @Test
    void writtenFiles_loadAgain_andKeysAreReadableByTheOwnerOnly() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", NOW, Duration.ofDays(365));
        ca.write(dir.resolve("ca.pem"), dir.resolve("ca.key"));

        CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca.key"));
        CertificateAuthority.Issued client = loaded.issueClient("device-7", NOW, Duration.ofDays(1));
        client.write(dir.resolve("client.pem"), dir.resolve("client.key"));

        validate(CertificateAuthority.readCertificate(dir.resolve("client.pem")), ca.ca().certificate(), NOW);
        assertThat(client.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=device-7");
        assertThat(Files.readString(dir.resolve("client.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("client.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void addressLiterals_areIpAlternativeNames_andNamesAreNeverLookedUp() {
        assertThat(CertificateAuthority.isAddress("127.0.0.1")).isTrue();
        assertThat(CertificateAuthority.isAddress("::1")).isTrue();
        assertThat(CertificateAuthority.isAddress("localhost")).isFalse();
        assertThat(CertificateAuthority.isAddress("edge-1.example")).isFalse();
    }

    private static void validate(X509Certificate leaf, X509Certificate root, Instant at) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)),
                parameters);
    }
}
