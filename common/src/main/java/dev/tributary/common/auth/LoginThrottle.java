package dev.tributary.common.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins, counted so that guessing passwords and burning CPU on slow hashes stop, while a user name
 * an attacker knows (a shared fleet account, an operator) cannot be locked out by the attacker. Used by the
 * edge for CONNECT and by auth-service for its token endpoint and its admin API, with the same policy:
 * <ul>
 * <li>per address and user name pair: after {@code perPair} failures that address may not try that user
 * name until the window has passed since the pair's last failure (one guesser, one account);</li>
 * <li>per address: after {@code perAddress} failures for any user names, that address may not try at all
 * (one guesser spraying many accounts; this is also the bound on slow hashes per address);</li>
 * <li>per user name: after {@code perUser} failures from all addresses together, the user name may be tried
 * only from addresses where it logged in successfully within {@code knownAddressNanos} (many guessers on
 * one account). A device or person that logged in recently from its address is never locked out by
 * others' failures.</li>
 * </ul>
 * An attempt is counted as a failure <em>before</em> the password is checked ({@link #attempt}), and taken
 * back when it proves right ({@link #succeeded}), so parallel attempts cannot overrun a limit while their
 * hashes are still being computed. A success does not clear the address's count (one valid account must
 * not reset a guesser's count) but clears the pair's. Bounded: failures in a table of at most
 * {@link #MAX_ENTRIES} entries (expired ones dropped first, then any), known addresses in a separate
 * least-recently-used table of {@link #MAX_KNOWN} that failures cannot push out.
 */
public final class LoginThrottle {

    static final int MAX_ENTRIES = 100_000;
    static final int MAX_KNOWN = 100_000;

    /** The limits; each counts failures within {@code windowNanos} of the last one. */
    public record Limits(int perPair, int perAddress, int perUser, long windowNanos, long knownAddressNanos) {

        public Limits {
            if (perPair < 1 || perAddress < 1 || perUser < 1 || windowNanos <= 0 || knownAddressNanos < 0) {
                throw new IllegalArgumentException("login throttle limits must be positive: " + perPair + "/" + perAddress
                        + "/" + perUser + ", window " + windowNanos + " ns");
            }
        }
    }

    /** Which limit refused an attempt, for the log line and the metric. */
    public enum Scope {
        /** this address, this user name */
        PAIR,
        /** this address, any user name */
        ADDRESS,
        /** this user name from an address it has not logged in from recently */
        USER;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Why an attempt is refused and how long until it may be made again (at least a second, for Retry-After). */
    public record Refusal(Scope scope, long retryAfterNanos) {

        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    private static final class Failures {
        int count;
        long lastNanos;
    }

    private final Limits limits;
    private final LongSupplier clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Map<String, Long> known = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_KNOWN;
        }
    };

    public LoginThrottle(Limits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.clock = nanoClock;
    }

    /**
     * Decides whether a login may be tried, before any password is checked. When it may ({@code null}), it
     * is already counted as a failure: call {@link #succeeded} when the credentials prove right, or
     * {@link #abandoned} when it could not be checked at all. A refused attempt is not counted.
     *
     * @param username null for a login without a user name (counted against the address only)
     */
    public Refusal attempt(String address, String username) {
        String addressKey = "a:" + address;
        long wait = tryCount(addressKey, limits.perAddress());
        if (wait >= 0) {
            return new Refusal(Scope.ADDRESS, wait);
        }
        if (username == null) {
            return null;
        }
        String pairKey = pairKey(address, username);
        wait = tryCount(pairKey, limits.perPair());
        if (wait >= 0) {
            uncount(addressKey);
            return new Refusal(Scope.PAIR, wait);
        }
        String userKey = "u:" + username;
        if (isKnown(username, address)) {
            count(userKey); // not refused by others' failures, but its own count towards the user's
            return null;
        }
        wait = tryCount(userKey, limits.perUser());
        if (wait >= 0) {
            uncount(addressKey);
            uncount(pairKey);
            return new Refusal(Scope.USER, wait);
        }
        return null;
    }

    /** The credentials of an attempt were right: its failure is taken back, and the address is known for the user. */
    public void succeeded(String address, String username) {
        uncount("a:" + address);
        if (username == null) {
            return;
        }
        uncount("u:" + username);
        failures.remove(pairKey(address, username));
        synchronized (known) {
            known.put(username + '\0' + address, clock.getAsLong());
        }
    }

    /** An attempt that was never checked (e.g. no capacity to hash): taken back as if it had not been made. */
    public void abandoned(String address, String username) {
        uncount("a:" + address);
        if (username != null) {
            uncount("u:" + username);
            uncount(pairKey(address, username));
        }
    }

    /** Failure entries held now (for a gauge). */
    public int size() {
        return failures.size();
    }

    private static String pairKey(String address, String username) {
        return "p:" + address + '\0' + username;
    }

    private boolean isKnown(String username, String address) {
        if (limits.knownAddressNanos() == 0) {
            return false;
        }
        Long at;
        synchronized (known) {
            at = known.get(username + '\0' + address);
        }
        return at != null && clock.getAsLong() - at <= limits.knownAddressNanos();
    }

    /** Counts one failure unless the key is at its limit; -1 when counted, else nanos until it may try again. */
    private long tryCount(String key, int limit) {
        if (failures.size() >= MAX_ENTRIES) {
            prune();
        }
        while (true) {
            Failures f = failures.computeIfAbsent(key, k -> new Failures());
            synchronized (f) {
                if (failures.get(key) != f) {
                    continue; // pruned or taken back meanwhile
                }
                long now = clock.getAsLong();
                if (now - f.lastNanos > limits.windowNanos()) {
                    f.count = 0;
                }
                if (f.count >= limit) {
                    return Math.max(0, limits.windowNanos() - (now - f.lastNanos));
                }
                f.count++;
                f.lastNanos = now;
                return -1;
            }
        }
    }

    private void count(String key) {
        tryCount(key, Integer.MAX_VALUE);
    }

    private void uncount(String key) {
        Failures f = failures.get(key);
        if (f != null) {
            synchronized (f) {
                if (f.count > 0) {
                    f.count--;
                }
                if (f.count == 0) {
                    failures.remove(key, f);
                }
            }
        }
    }

    private void prune() {
        long now = clock.getAsLong();
        failures.values().removeIf(f -> now - f.lastNanos > limits.windowNanos());
        Iterator<String> oldest = failures.keySet().iterator();
        while (failures.size() >= MAX_ENTRIES && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
