package dev.tributary.common.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.tributary.common.io.AtomicFiles;

/**
 * A small certificate authority for local TLS: the launcher's out-of-the-box certificates under
 * {@code data/tls} and the tests' throw-away ones. ECDSA P-256 keys (made in milliseconds, accepted by
 * OpenSSL, the JDK and browsers), SHA-256 signatures, PEM files with PKCS#8 keys as an operator would
 * configure them. Key files are written readable by their owner only.
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        public Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }

        /** The certificate to {@code certificatePem}, the key (owner-only) to {@code keyPem}. */
        public void write(Path certificatePem, Path keyPem) {
            writePem(certificatePem, certificate, false);
            writePem(keyPem, key, true);
        }

        /** A PKCS#12 key store holding the key and certificate under {@code alias}. */
        public KeyStore keyStore(String alias, char[] password) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(alias, key, password, new Certificate[] { certificate });
                return store;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build a PKCS#12 key store: " + e.getMessage(), e);
            }
        }
    }

    private final Issued ca;

    private CertificateAuthority(Issued ca) {
        this.ca = ca;
    }

    /** A new self-signed CA valid from {@code now} for {@code validity}, for any name. */
    public static CertificateAuthority create(String commonName, Instant now, Duration validity) {
        return create(commonName, now, validity, List.of());
    }

    /**
     * A new self-signed CA whose certificates are valid only for {@code permittedHosts} (host names and single
     * IP addresses; none: any name). A client that trusts a local CA for its edge then trusts nothing else
     * signed by it, even if its key leaks.
     */
    public static CertificateAuthority create(String commonName, Instant now, Duration validity, List<String> permittedHosts) {
        KeyPair keys = newKeyPair();
        X500Name name = name(commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, keys, now, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (!permittedHosts.isEmpty()) {
                GeneralSubtree[] permitted = new GeneralSubtree[permittedHosts.size()];
                for (int i = 0; i < permitted.length; i++) {
                    String host = permittedHosts.get(i);
                    permitted[i] = new GeneralSubtree(isAddress(host) ? addressAndMask(host) : new GeneralName(GeneralName.dNSName, host));
                }
                builder.addExtension(Extension.nameConstraints, true, new NameConstraints(permitted, null));
            }
            return new CertificateAuthority(new Issued(sign(builder, keys.getPrivate()), keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA whose certificate and key were written by {@link #write} (or by openssl). */
    public static CertificateAuthority load(Path certificatePem, Path keyPem) {
        return new CertificateAuthority(new Issued(readCertificate(certificatePem), readKey(keyPem)));
    }

    public Issued ca() {
        return ca;
    }

    public void write(Path certificatePem, Path keyPem) {
        ca.write(certificatePem, keyPem);
    }

    /**
     * A server certificate for the given host names and IP addresses (subject alternative names, which
     * clients check; the first one is also the CN).
     */
    public Issued issueServer(List<String> names, Instant now, Duration validity) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name or address");
        }
        List<GeneralName> alternatives = new ArrayList<>();
        for (String host : names) {
            alternatives.add(isAddress(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
        }
        return issue(names.get(0), KeyPurposeId.id_kp_serverAuth, new GeneralNames(alternatives.toArray(GeneralName[]::new)),
                now, validity);
    }

    /** A client certificate whose CN is {@code commonName} (the edge can take it as the user name). */
    public Issued issueClient(String commonName, Instant now, Duration validity) {
        return issue(commonName, KeyPurposeId.id_kp_clientAuth, null, now, validity);
    }

    private Issued issue(String commonName, KeyPurposeId purpose, GeneralNames alternatives, Instant now, Duration validity) {
        KeyPair keys = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(new X509CertificateHolder(ca.certificate().getEncoded()).getSubject(),
                    name(commonName), keys, now, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (alternatives != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternatives);
            }
            return new Issued(sign(builder, ca.key()), keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant now,
            Duration validity) {
        // a minute of slack before now: a client whose clock is a little behind still accepts it
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    /** One address as a name-constraint subtree: the address followed by an all-ones mask. */
    private static GeneralName addressAndMask(String host) {
        try {
            byte[] address = InetAddress.getByName(host).getAddress();
            byte[] withMask = new byte[address.length * 2];
            System.arraycopy(address, 0, withMask, 0, address.length);
            java.util.Arrays.fill(withMask, address.length, withMask.length, (byte) 0xff);
            return new GeneralName(GeneralName.iPAddress, new DEROctetString(withMask));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + host, e);
        }
    }

    /** An IPv4 or IPv6 literal, never a name lookup. */
    static boolean isAddress(String host) {
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal is parsed, not resolved
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path pem) {
        try (Reader reader = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            if (!(read instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException(pem + " holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path pem) {
        try (Reader reader = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            if (!(read instanceof PrivateKeyInfo info)) {
                throw new IllegalArgumentException(pem + " holds no PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pem, e);
        }
    }

    private static void writePem(Path file, Object object, boolean secret) {
        try {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                pem.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
            }
            AtomicFiles.write(file, text.toString(), secret);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
