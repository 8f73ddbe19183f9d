package dev.tributary.edge.session;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that many holders share and may not exceed together, such as the messages queued in all sessions
 * of a node: each holder reserves before it keeps and releases what it lets go. Lock-free.
 */
public final class ByteBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public ByteBudget(long limit) {
        this.limit = limit;
    }

    public static ByteBudget unlimited() {
        return new ByteBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) if they do not. */
    public boolean tryReserve(long bytes) {
        long current;
        do {
            current = used.get();
            if (current + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
