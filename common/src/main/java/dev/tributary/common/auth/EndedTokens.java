package dev.tributary.common.auth;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids ({@code jti}) ended by a log out, each kept until the token would have expired anyway. Bounded:
 * at most {@code capacity} ids; expired ids are dropped to make room, and when every kept id is still live a
 * further log out is refused ({@link #end} answers false) rather than forgetting an ended token.
 */
public final class EndedTokens {

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;

    public EndedTokens(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Ends the token {@code id} until {@code expiresAtSeconds}; false when the table is full of live tokens. */
    public synchronized boolean end(String id, long expiresAtSeconds) {
        if (expiries.containsKey(id)) {
            return true;
        }
        if (expiries.size() >= capacity) {
            long now = clock.instant().getEpochSecond();
            for (Iterator<Long> it = expiries.values().iterator(); it.hasNext();) {
                if (it.next() < now) {
                    it.remove();
                }
            }
            if (expiries.size() >= capacity) {
                return false;
            }
        }
        expiries.put(id, expiresAtSeconds);
        return true;
    }

    public boolean contains(String id) {
        return expiries.containsKey(id);
    }

    public int size() {
        return expiries.size();
    }

    public int capacity() {
        return capacity;
    }
}
