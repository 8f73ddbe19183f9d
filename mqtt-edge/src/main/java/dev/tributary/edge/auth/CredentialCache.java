package dev.tributary.edge.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passwords verified recently, so a fleet reconnecting after a network blip costs one SHA-256 per device
 * instead of one slow password hash. Holds a digest of the password with a secret random per-process
 * salt, never the password, and the stored hash it was verified against: a new password (a changed hash)
 * misses the cache. Bounded, least recently used first out.
 */
final class CredentialCache {

    private record Entry(String storedHash, byte[] digest) {
    }

    private final byte[] salt = new byte[32];
    private final Map<String, Entry> entries;

    CredentialCache(int capacity) {
        new SecureRandom().nextBytes(salt);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized boolean verified(String username, String storedHash, byte[] password) {
        Entry entry = entries.get(username);
        return entry != null && entry.storedHash().equals(storedHash) && MessageDigest.isEqual(entry.digest(), digest(username, password));
    }

    synchronized void remember(String username, String storedHash, byte[] password) {
        entries.put(username, new Entry(storedHash, digest(username, password)));
    }

    synchronized void forget(String username) {
        entries.remove(username);
    }

    synchronized int size() {
        return entries.size();
    }

    private byte[] digest(String username, byte[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(username.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(password);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
