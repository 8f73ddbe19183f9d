package dev.tributary.edge.retained;

/**
 * How many retained messages a node keeps, and how many bytes they take (counted as
 * {@link dev.tributary.edge.mqtt.Footprint} counts them), in total and per topic tree (the topics that
 * share a first level, such as every {@code fleet/...}): one tree filling up cannot crowd out the others.
 */
public record RetainedLimits(long maxMessages, long maxBytes, long maxMessagesPerTree, long maxBytesPerTree) {

    public static final RetainedLimits DEFAULTS = new RetainedLimits(200_000, 128L * 1024 * 1024, 100_000, 64L * 1024 * 1024);

    public static final RetainedLimits UNLIMITED = new RetainedLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
            Long.MAX_VALUE);
}
