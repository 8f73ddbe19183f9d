package dev.tributary.common.auth;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins counted per remote address and per user name (used by the edge for CONNECT and by
 * auth-service for its token endpoint): after {@code maxFailures} within the window,
 * that address or user is refused without a password check until the window has passed since its last
 * failure. Guessing passwords and burning the edge's CPU on slow hashes both stop there. Bounded: when the
 * table is full, entries whose window has passed are dropped, and then the oldest.
 */
public final class LoginThrottle {

    private static final int MAX_ENTRIES = 100_000;

    private static final class Failures {
        int count;
        long lastNanos;
    }

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, long windowNanos, LongSupplier clock) {
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    public boolean isThrottled(String address, String username) {
        return over("a:" + address) || (username != null && over("u:" + username));
    }

    public void failed(String address, String username) {
        count("a:" + address);
        if (username != null) {
            count("u:" + username);
        }
    }

    /** A success clears the address's and the user's count. */
    public void succeeded(String address, String username) {
        failures.remove("a:" + address);
        if (username != null) {
            failures.remove("u:" + username);
        }
    }

    private boolean over(String key) {
        Failures f = failures.get(key);
        if (f == null) {
            return false;
        }
        synchronized (f) {
            if (clock.getAsLong() - f.lastNanos > windowNanos) {
                failures.remove(key, f);
                return false;
            }
            return f.count >= maxFailures;
        }
    }

    private void count(String key) {
        if (failures.size() >= MAX_ENTRIES) {
            prune();
        }
        Failures f = failures.computeIfAbsent(key, k -> new Failures());
        synchronized (f) {
            long now = clock.getAsLong();
            if (now - f.lastNanos > windowNanos) {
                f.count = 0;
            }
            f.count++;
            f.lastNanos = now;
        }
    }

    private void prune() {
        long now = clock.getAsLong();
        failures.values().removeIf(f -> now - f.lastNanos > windowNanos);
        Iterator<String> oldest = failures.keySet().iterator();
        while (failures.size() >= MAX_ENTRIES && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
