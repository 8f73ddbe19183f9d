package dev.tributary.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for TLS tests, made with the openssl command: a CA, a server
 * certificate for 127.0.0.1/localhost, and a client certificate with a chosen CN (also as PKCS#12,
 * password {@value #PASSWORD}). PEM files, as an operator would configure them.
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
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
                certs.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Tributary test CA",
                        "-keyout", "ca.key", "-out", "ca.pem");
                certs.openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key.pkcs1",
                        "-out", "server.csr");
                certs.openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                        "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
                certs.openssl("pkcs8", "-topk8", "-nocrypt", "-in", "server.key.pkcs1", "-out", "server.key");
                certs.openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + clientCommonName, "-keyout", "client.key",
                        "-out", "client.csr");
                certs.openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                        "-days", "2", "-out", "client.pem");
                certs.openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-passout", "pass:" + PASSWORD,
                        "-out", "client.p12");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return certs;
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
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
