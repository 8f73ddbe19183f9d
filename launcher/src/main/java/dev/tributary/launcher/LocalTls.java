package dev.tributary.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import dev.tributary.common.tls.CertificateAuthority;

/**
 * The edge's certificates out of the box, as EMQX ships default ones: a local CA and an edge certificate
 * for 127.0.0.1 and localhost under {@code data/tls}, made at the first start and reused afterwards.
 * Either is made again when it would expire within {@link #RENEW_BEFORE} (a new CA re-issues the edge
 * certificate; clients then need the new {@code ca.pem}), or when the edge certificate is not the CA's or
 * lacks a name. Keys are readable by their owner only.
 */
final class LocalTls {

    static final String CA_CERTIFICATE = "ca.pem";
    static final String CA_KEY = "ca.key";
    static final String EDGE_CERTIFICATE = "edge.pem";
    static final String EDGE_KEY = "edge.key";

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Browsers refuse server certificates valid for more than 398 days. */
    static final Duration EDGE_VALIDITY = Duration.ofDays(397);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final List<String> EDGE_NAMES = List.of("127.0.0.1", "localhost");

    private final Path dir;

    LocalTls(Path dir) {
        this.dir = dir;
    }

    Path caCertificate() {
        return dir.resolve(CA_CERTIFICATE);
    }

    Path edgeCertificate() {
        return dir.resolve(EDGE_CERTIFICATE);
    }

    Path edgeKey() {
        return dir.resolve(EDGE_KEY);
    }

    /** Makes or renews what is missing or due, and says what it did. */
    void ensure(Instant now, Consumer<String> say) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir, e);
        }
        Instant due = now.plus(RENEW_BEFORE);
        CertificateAuthority ca = null;
        if (Files.exists(caCertificate()) && Files.exists(dir.resolve(CA_KEY))) {
            CertificateAuthority existing = CertificateAuthority.load(caCertificate(), dir.resolve(CA_KEY));
            if (existing.ca().notAfter().isAfter(due)) {
                ca = existing;
            } else {
                say.accept("the local CA in " + dir + " expires " + existing.ca().notAfter() + ": making a new one");
            }
        }
        boolean newCa = ca == null;
        if (newCa) {
            // limited to the edge's names: a browser told to trust it for the dashboard trusts it for nothing else
            ca = CertificateAuthority.create("Tributary local CA", now, CA_VALIDITY, EDGE_NAMES);
            ca.write(caCertificate(), dir.resolve(CA_KEY));
            say.accept("made a local certificate authority: " + caCertificate() + " (clients trust it with --cafile)");
        }
        String problem = newCa ? "the CA is new" : edgeProblem(ca, due);
        if (problem != null) {
            ca.issueServer(EDGE_NAMES, now, EDGE_VALIDITY).write(edgeCertificate(), edgeKey());
            say.accept("issued the edge's TLS certificate for " + String.join(", ", EDGE_NAMES) + " (" + problem + "), valid until "
                    + now.plus(EDGE_VALIDITY));
        }
    }

    /** Why the edge certificate must be issued again, or null when it serves as it is. */
    private String edgeProblem(CertificateAuthority ca, Instant due) {
        if (!Files.exists(edgeCertificate()) || !Files.exists(edgeKey())) {
            return "none yet";
        }
        X509Certificate edge = CertificateAuthority.readCertificate(edgeCertificate());
        try {
            edge.verify(ca.ca().certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return "not signed by the local CA";
        }
        if (!edge.getNotAfter().toInstant().isAfter(due)) {
            return "it expires " + edge.getNotAfter().toInstant();
        }
        if (!names(edge).containsAll(EDGE_NAMES)) {
            return "it lacks a name";
        }
        return null;
    }

    private static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(entry -> names.add(entry.get(1).toString()));
            }
        } catch (CertificateParsingException e) {
            // no usable names: issued again
        }
        return names;
    }
}
