package dev.tributary.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Password hashes in Mosquitto's own formats, so a {@code mosquitto_passwd} file imports as it is:
 * <ul>
 * <li>{@code $7$<iterations>$<salt>$<hash>}: PBKDF2-HMAC-SHA512, 64-byte hash (what we write, with a
 * configurable cost; Mosquitto 2.0's default);</li>
 * <li>{@code $6$<salt>$<hash>}: one SHA-512 of password and salt (Mosquitto 1.6 and earlier); verified
 * so imported devices keep working, never written.</li>
 * </ul>
 * Salt and hash are standard base64.
 */
public final class PasswordHashes {

    public static final int SALT_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashes() {
    }

    /**
     * The most PBKDF2 iterations a hash may ask for (about 12 s of one core here): an imported hash with a
     * huge count would otherwise cost hours of CPU on every CONNECT. Five times OWASP's 2023 figure.
     */
    public static final int MAX_ITERATIONS = 1_000_000;

    public static String hash(String password, int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS + ": " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return "$7$" + iterations + "$" + b64(salt) + "$" + b64(pbkdf2(password.getBytes(StandardCharsets.UTF_8), salt, iterations));
    }

    /** Whether the password matches; false (never an exception) for a hash in no known format. */
    public static boolean verify(byte[] password, String encoded) {
        if (password == null || encoded == null) {
            return false;
        }
        String[] parts = encoded.split("\\$", -1);
        try {
            if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("7")) {
                int iterations = Integer.parseInt(parts[2]);
                byte[] expected = Base64.getDecoder().decode(parts[4]);
                return iterations > 0 && iterations <= MAX_ITERATIONS && MessageDigest.isEqual(expected,
                        pbkdf2(password, Base64.getDecoder().decode(parts[3]), iterations));
            }
            if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("6")) {
                MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
                sha512.update(password);
                sha512.update(Base64.getDecoder().decode(parts[2]));
                return MessageDigest.isEqual(Base64.getDecoder().decode(parts[3]), sha512.digest());
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
        return false;
    }

    /** Whether the string is a hash this class can verify (for imports: refuse what would lock a device out). */
    public static boolean isKnownFormat(String encoded) {
        if (encoded == null) {
            return false;
        }
        if (encoded.matches("\\$7\\$[1-9][0-9]{0,6}\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+")) {
            return Integer.parseInt(encoded.split("\\$")[2]) <= MAX_ITERATIONS;
        }
        return encoded.matches("\\$6\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+");
    }

    /**
     * PBKDF2-HMAC-SHA512 over the password's bytes. The JDK's PBKDF2WithHmacSHA512 takes a char[] and
     * encodes it itself, which cannot reproduce Mosquitto's hash of arbitrary password bytes, so the
     * RFC 8018 loop is written out here with the JDK's HMAC.
     */
    private static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA512");
            // HMAC allows an empty key; SecretKeySpec does not, and a one-zero-byte key is the same HMAC key
            hmac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
            // 64 bytes out = exactly one HMAC-SHA512 block: T1 = U1 xor U2 xor ... xor Uc
            hmac.update(salt);
            byte[] u = hmac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = hmac.doFinal(u);
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            return t;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is part of every JDK", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
