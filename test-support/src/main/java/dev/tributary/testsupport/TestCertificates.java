package dev.tributary.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import dev.tributary.common.tls.CertificateAuthority;

/**
 * A throw-away certificate authority for TLS tests: a CA, a server certificate for 127.0.0.1/localhost,
 * and a client certificate with a chosen CN (also as PKCS#12, password {@value #PASSWORD}). PEM files, as an
 * operator would configure them, made by the same {@link CertificateAuthority} as the launcher's local CA.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the files under {@code dir} (once; later calls reuse them). */
    public static synchronized TestCertificates in(Path dir, String clientCommonName) {
        TestCertificates certs = new TestCertificates(dir);
        if (!Files.exists(certs.clientKeyStore())) {
            Instant now = Instant.now();
            Duration validity = Duration.ofDays(2);
            CertificateAuthority ca = CertificateAuthority.create("Tributary test CA", now, validity);
            try {
                Files.createDirectories(dir);
                ca.write(certs.caCertificate(), dir.resolve("ca.key"));
                ca.issueServer(List.of("127.0.0.1", "localhost"), now, validity).write(certs.serverCertificate(), certs.serverKey());
                CertificateAuthority.Issued client = ca.issueClient(clientCommonName, now, validity);
                client.write(dir.resolve("client.pem"), dir.resolve("client.key"));
                try (OutputStream out = Files.newOutputStream(certs.clientKeyStore())) {
                    client.keyStore("client", PASSWORD.toCharArray()).store(out, PASSWORD.toCharArray());
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot write the test certificates under " + dir + ": " + e.getMessage(), e);
            }
        }
        return certs;
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    /** Trusts the test CA. */
    public TrustManagerFactory trustManagerFactory() {
        try (InputStream in = Files.newInputStream(caCertificate())) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Presents the client certificate. */
    public KeyManagerFactory clientKeyManagerFactory() {
        try (InputStream in = Files.newInputStream(clientKeyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, PASSWORD.toCharArray());
            return factory;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
