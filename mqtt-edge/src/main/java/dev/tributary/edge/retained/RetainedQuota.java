package dev.tributary.edge.retained;

import java.util.HashMap;
import java.util.Map;

import dev.tributary.edge.retained.RetainedStore.Outcome;

/**
 * The accounting behind {@link RetainedLimits}, for any {@link RetainedStore} to use: messages and bytes in
 * total and per topic tree, and the decision whether a retained message may be kept. A new topic must fit
 * every bound; a replacement adds no message, and one no larger than what it replaces always fits.
 * Thread-safe; the store calls it while it holds the topic's entry, so the decision and the change to the
 * store happen together.
 */
public final class RetainedQuota {

    private final RetainedLimits limits;
    private long messages;
    private long bytes;
    /** Per first topic level: {messages, bytes}; an entry exists only while its tree holds a message. */
    private final Map<String, long[]> trees = new HashMap<>();

    public RetainedQuota(RetainedLimits limits) {
        this.limits = limits;
    }

    public RetainedLimits limits() {
        return limits;
    }

    /**
     * Whether a retained message of {@code newBytes} may replace the topic's current one of {@code oldBytes}
     * ({@code -1}: the topic has none); when it may, it is counted.
     */
    public synchronized Outcome admit(String topic, long oldBytes, long newBytes) {
        String tree = tree(topic);
        long[] usage = trees.get(tree);
        long treeMessages = usage == null ? 0 : usage[0];
        long treeBytes = usage == null ? 0 : usage[1];
        long addedMessages = oldBytes < 0 ? 1 : 0;
        long addedBytes = newBytes - Math.max(oldBytes, 0);
        if (addedMessages > 0 && messages + 1 > limits.maxMessages()) {
            return Outcome.OVER_MAX_MESSAGES;
        }
        if (addedMessages > 0 && treeMessages + 1 > limits.maxMessagesPerTree()) {
            return Outcome.OVER_MAX_MESSAGES_PER_TREE;
        }
        if (addedBytes > 0 && bytes + addedBytes > limits.maxBytes()) {
            return Outcome.OVER_MAX_BYTES;
        }
        if (addedBytes > 0 && treeBytes + addedBytes > limits.maxBytesPerTree()) {
            return Outcome.OVER_MAX_BYTES_PER_TREE;
        }
        if (usage == null) {
            usage = new long[2];
            trees.put(tree, usage);
        }
        usage[0] += addedMessages;
        usage[1] += addedBytes;
        messages += addedMessages;
        bytes += addedBytes;
        return Outcome.STORED;
    }

    /** The topic's retained message of {@code oldBytes} is gone. */
    public synchronized void released(String topic, long oldBytes) {
        String tree = tree(topic);
        long[] usage = trees.get(tree);
        if (usage == null) {
            return;
        }
        usage[0]--;
        usage[1] -= oldBytes;
        messages--;
        bytes -= oldBytes;
        if (usage[0] <= 0) {
            trees.remove(tree);
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long messages() {
        return messages;
    }

    /** The first topic level: {@code fleet} for {@code fleet/v1/status}, an empty string for {@code /a}. */
    static String tree(String topic) {
        int slash = topic.indexOf('/');
        return slash < 0 ? topic : topic.substring(0, slash);
    }
}
