package dev.tributary.common.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Password verification that costs the same whether or not the user name exists: for an unknown user the
 * password is checked against a dummy hash of the same cost as a real one, and refused. Without it a
 * refusal that came back at once would tell an attacker which user names exist.
 */
public final class PasswordCheck {

    private record Dummy(int iterations, String hash) {
    }

    private final int defaultIterations;
    private volatile Dummy dummy;
    private final AtomicLong dummyChecks = new AtomicLong();

    /** {@code defaultIterations}: the cost of the dummy hash when no real hash is there to copy it from. */
    public PasswordCheck(int defaultIterations) {
        this.defaultIterations = defaultIterations;
    }

    /**
     * Whether the password matches {@code storedHash}. With no stored hash (an unknown user) it is verified
     * against a dummy hash with the cost of {@code costLike} (any real hash of this deployment; the default
     * cost when null or of another format), and the answer is false.
     */
    public boolean verify(byte[] password, String storedHash, String costLike) {
        if (storedHash != null) {
            return PasswordHashes.verify(password, storedHash);
        }
        dummyChecks.incrementAndGet();
        PasswordHashes.verify(password == null ? new byte[0] : password, dummyHash(iterationsOf(costLike)));
        return false;
    }

    /** How many passwords were checked against the dummy hash (for tests and a metric). */
    public long dummyChecks() {
        return dummyChecks.get();
    }

    /** The dummy hash for a cost, made once per cost (one slow hash) and kept. */
    String dummyHash(int iterations) {
        Dummy current = dummy;
        if (current == null || current.iterations() != iterations) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            current = new Dummy(iterations, PasswordHashes.hash(Base64.getEncoder().encodeToString(random), iterations));
            dummy = current;
        }
        return current.hash();
    }

    int iterationsOf(String hash) {
        if (hash != null && PasswordHashes.isKnownFormat(hash) && hash.startsWith("$7$")) {
            return Integer.parseInt(hash.split("\\$")[2]);
        }
        return defaultIterations;
    }
}
