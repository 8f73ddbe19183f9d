package dev.tributary.edge.session;

/**
 * The bounds of one session (tributary.edge.limits.*): the in-flight window, the queue behind it in
 * messages and in bytes, the subscriptions it may hold, and the inbound QoS 2 ids it may leave awaiting
 * PUBREL.
 */
public record SessionLimits(int maxInflight, int maxQueued, long maxQueuedBytes, int maxSubscriptions,
        int maxAwaitingRelease) {

    public static final long DEFAULT_MAX_QUEUED_BYTES = 8L * 1024 * 1024;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1_000;
    public static final int DEFAULT_MAX_AWAITING_RELEASE = 1_000;

    /** The given window and queue length, the other bounds at their defaults. */
    public static SessionLimits of(int maxInflight, int maxQueued) {
        return new SessionLimits(maxInflight, maxQueued, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_SUBSCRIPTIONS,
                DEFAULT_MAX_AWAITING_RELEASE);
    }
}
