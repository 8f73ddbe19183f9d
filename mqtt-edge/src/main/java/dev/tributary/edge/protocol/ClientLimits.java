package dev.tributary.edge.protocol;

/**
 * The bounds on what one connection may make the node hold (tributary.edge.limits.*): packets held while
 * its CONNECT is decided, in number and bytes; bytes of its QoS 1/2 messages waiting for the mirror before
 * its connection stops being read; filters in one SUBSCRIBE.
 */
public record ClientLimits(int maxPacketsBeforeConnack, long maxBytesBeforeConnack, long maxPendingAckBytes,
        int maxFiltersPerSubscribe) {

    public static final ClientLimits DEFAULTS = new ClientLimits(1_000, 1024 * 1024, 4L * 1024 * 1024, 100);
}
