package dev.tributary.edge.retained;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.common.topic.Topics;
import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Message;

/**
 * Retained messages in a tree by topic level, so a SUBSCRIBE's lookup walks only the branches its filter can
 * match: {@code fleet/v1/#} visits one vehicle's topics and {@code other/#} nothing, however much else is
 * retained. A scan of every retained message per filter (up to 100 filters per SUBSCRIBE, 200,000 retained
 * messages by default) would let one client keep a core busy by subscribing again and again.
 *
 * <p>The tree's own objects count against the byte limits with the messages ({@link #LEVEL_BYTES} per level,
 * {@link #CHILDREN_BYTES} per level that has levels below), charged to the message whose put created them and
 * given back when they are dropped: a topic of many short levels costs more than its characters, and a flood
 * of them must stay within {@code retained.max-bytes} like any other.
 *
 * <p>Changes are made one at a time (under the store's lock, with {@link RetainedQuota}'s accounting), so a
 * decision and the change to the tree happen together; lookups take no lock: they read child maps that are
 * safe to read while the one writer changes them, and see each topic's message as before or after a change.
 * Walks are loops, not recursion, so no topic depth can exhaust a thread's stack.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    /** A level: its object, its entry and key in the parent's map (plus two bytes per character of the key). */
    static final long LEVEL_BYTES = 96;
    /** The map of a level that has levels below. */
    static final long CHILDREN_BYTES = 128;

    /** One topic level: the message retained on the topic that ends here, and the levels below. */
    private static final class Node {
        /** Its key in the parent's map (the same string): a walk reads it without the map's entries. */
        final String level;
        volatile Message message;
        /** Null while nothing is below: most levels are leaves. */
        volatile ConcurrentHashMap<String, Node> children;

        Node(String level) {
            this.level = level;
        }
    }

    private final Node root = new Node("");
    private final RetainedQuota quota;
    private final Object writeLock = new Object();
    private volatile int size;

    public InMemoryRetainedStore() {
        this(RetainedLimits.UNLIMITED);
    }

    public InMemoryRetainedStore(RetainedLimits limits) {
        this.quota = new RetainedQuota(limits);
        root.children = new ConcurrentHashMap<>(); // the root's map is always there and belongs to no tree
    }

    @Override
    public Outcome put(Message message) {
        // [MQTT-3.3.1-10] a retained message with an empty payload removes the retained message
        boolean clear = message.payload().length == 0;
        String topic = message.topic();
        String[] levels = Topics.levels(topic);
        synchronized (writeLock) {
            Node[] path = new Node[levels.length + 1];
            path[0] = root;
            int depth = 0;
            while (depth < levels.length) {
                Map<String, Node> children = path[depth].children;
                Node child = children == null ? null : children.get(levels[depth]);
                if (child == null) {
                    break;
                }
                path[++depth] = child;
            }
            Message old = depth == levels.length ? path[depth].message : null;
            if (!clear) {
                long created = depth == levels.length ? 0 : creationBytes(levels, depth, path[depth]);
                Outcome outcome = quota.admit(topic, old == null ? -1 : Footprint.of(old), Footprint.of(message) + created);
                if (outcome == Outcome.STORED) {
                    create(path, levels, depth).message = message;
                    if (old == null) {
                        size++;
                    }
                    return outcome;
                }
                if (old != null) {
                    remove(path, levels, old); // a larger replacement over a limit: not the older one as if it were the latest
                }
                return outcome;
            }
            if (old != null) {
                remove(path, levels, old);
            }
            return Outcome.CLEARED;
        }
    }

    /** Bytes of the levels {@code levels[from..]} and the maps a put creates below {@code last}, the deepest level there is. */
    private long creationBytes(String[] levels, int from, Node last) {
        long bytes = last != root && last.children == null ? CHILDREN_BYTES : 0;
        for (int i = from; i < levels.length; i++) {
            bytes += LEVEL_BYTES + 2L * levels[i].length();
            if (i < levels.length - 1) {
                bytes += CHILDREN_BYTES;
            }
        }
        return bytes;
    }

    /** Creates the missing levels of the path from {@code depth} on; returns the topic's level. */
    private static Node create(Node[] path, String[] levels, int depth) {
        Node node = path[depth];
        for (int i = depth; i < levels.length; i++) {
            Node child = new Node(levels[i]);
            ConcurrentHashMap<String, Node> children = node.children;
            if (children == null) {
                children = new ConcurrentHashMap<>(2);
                node.children = children;
            }
            children.put(levels[i], child);
            node = child;
        }
        return node;
    }

    /**
     * Removes the topic's message and the levels left holding nothing, deepest first, and gives back what they
     * were charged.
     */
    private void remove(Node[] path, String[] levels, Message old) {
        path[levels.length].message = null;
        size--;
        long freed = Footprint.of(old);
        for (int i = levels.length; i > 0; i--) {
            Node node = path[i];
            if (node.message != null || node.children != null) {
                break;
            }
            Node parent = path[i - 1];
            parent.children.remove(levels[i - 1]);
            freed += LEVEL_BYTES + 2L * levels[i - 1].length();
            if (parent != root && parent.children.isEmpty()) {
                parent.children = null; // a lookup holding the map reads it empty
                freed += CHILDREN_BYTES;
            }
        }
        quota.released(old.topic(), freed);
    }

    @Override
    public List<Message> matching(String filter) {
        if (!Topics.isWildcard(filter)) {
            Message message = exact(filter);
            return message == null ? List.of() : List.of(message);
        }
        List<Message> out = new ArrayList<>();
        visit(filter, out);
        return out;
    }

    /** The message retained on {@code topic}, found level by level without splitting the topic first. */
    private Message exact(String topic) {
        Node node = root;
        int start = 0;
        while (node != null) {
            int slash = topic.indexOf('/', start);
            Map<String, Node> children = node.children;
            if (children == null) {
                return null;
            }
            node = children.get(topic.substring(start, slash < 0 ? topic.length() : slash));
            if (slash < 0) {
                return node == null ? null : node.message;
            }
            start = slash + 1;
        }
        return null;
    }

    /**
     * Adds the retained messages matching {@code filter} to {@code out} (as {@link Topics#matches} decides) and
     * returns how many levels of the tree it looked at: the cost of the lookup.
     */
    int visit(String filter, List<Message> out) {
        String[] wanted = Topics.levels(filter);
        // pending levels and the filter level each is matched against; ALL: everything below matches
        Node[] nodes = new Node[16];
        int[] depths = new int[16];
        int pending = 0;
        nodes[pending] = root;
        depths[pending++] = 0;
        int visited = 0;
        while (pending > 0) {
            Node node = nodes[--pending];
            int depth = depths[pending];
            nodes[pending] = null;
            visited++;
            if (depth == ALL || depth == wanted.length) {
                Message message = node.message;
                if (message != null) {
                    out.add(message);
                }
                if (depth != ALL) {
                    continue;
                }
            }
            Map<String, Node> children = node.children;
            String level = depth == ALL ? null : wanted[depth];
            if ("#".equals(level) && depth > 0) {
                // [MQTT-4.7.1-2] "#" matches the parent level too: "fleet/#" matches "fleet"
                Message parent = node.message;
                if (parent != null) {
                    out.add(parent);
                }
            }
            if (children == null) {
                continue;
            }
            if (depth == ALL || "#".equals(level) || "+".equals(level)) {
                int next = depth == ALL || "#".equals(level) ? ALL : depth + 1;
                for (Node child : children.values()) {
                    // [MQTT-4.7.2-1] a filter starting with a wildcard matches no topic starting with $
                    if (depth == 0 && child.level.startsWith("$")) {
                        continue;
                    }
                    if (pending == nodes.length) {
                        nodes = Arrays.copyOf(nodes, pending * 2);
                        depths = Arrays.copyOf(depths, pending * 2);
                    }
                    nodes[pending] = child;
                    depths[pending++] = next;
                }
            } else {
                Node child = children.get(level);
                if (child != null) {
                    nodes[pending] = child; // one slot was freed by this level
                    depths[pending++] = depth + 1;
                }
            }
        }
        return visited;
    }

    private static final int ALL = -1;

    @Override
    public int size() {
        return size;
    }

    @Override
    public RetainedLimits limits() {
        return quota.limits();
    }

    @Override
    public long bytes() {
        return quota.bytes();
    }
}
