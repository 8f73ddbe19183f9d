package dev.tributary.auth.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

import org.jboss.logging.Logger;

import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.io.AtomicFiles;

/**
 * The RSA key tokens are signed with: a PEM file named in configuration, or one generated on first
 * start and kept in a file only its owner can read. The private key never leaves this process: only
 * the public half goes to the auth topic (for the edges) and to the JWKS endpoint.
 */
public final class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String kid;

    private SigningKeys(RSAPrivateCrtKey privateKey) {
        try {
            this.privateKey = privateKey;
            this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            this.kid = Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The configured key file, or the kept one, generated if it does not exist yet. */
    public static SigningKeys load(Path configured, Path kept) {
        if (configured != null) {
            return new SigningKeys(read(configured));
        }
        if (Files.exists(kept)) {
            return new SigningKeys(read(kept));
        }
        SigningKeys generated = generate(kept);
        LOG.infof("generated a token signing key in %s", kept);
        return generated;
    }

    /** A new key, written to {@code kept} (owner-only) before it is used, so a restart signs with it too. */
    public static SigningKeys generate(Path kept) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            RSAPrivateCrtKey generated = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(generated.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            AtomicFiles.write(kept, pem, true);
            return new SigningKeys(generated);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the token signing key in " + kept, e);
        }
    }

    private static RSAPrivateCrtKey read(Path pem) {
        try {
            String text = Files.readString(pem);
            if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalStateException(pem + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
            }
            String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token signing key " + pem, e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException(pem + " does not hold an RSA private key: " + e.getMessage(), e);
        }
    }

    public RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    public String kid() {
        return kid;
    }

    /** The public half as the auth topic carries it. */
    public SigningKey published() {
        return new SigningKey(kid, "RS256", Base64.getEncoder().encodeToString(publicKey.getEncoded()));
    }
}
