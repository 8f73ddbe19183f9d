package dev.tributary.edge.subscriptions;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tributary.common.topic.Topics;

/**
 * Every subscription of this node, as a tree of topic levels, so matching a topic costs the
 * number of its levels (times the wildcard branches on the way), not the number of subscriptions.
 * Knows nothing of sessions: subscribers are client ids with a granted QoS. Matching is lock-free
 * and runs concurrently with changes; changes are serialised.
 */
public final class TopicTree {

    /**
     * Told when a filter gets its first subscriber and when it loses its last one: what other edge nodes
     * need to know to send this node the messages its clients want. Called under the tree's lock, in the
     * order the changes happen; must not block.
     */
    public interface FilterInterest {
        FilterInterest NONE = (filter, subscribed) -> { };

        void changed(String filter, boolean subscribed);
    }

    private static final String PLUS = "+";
    private static final String HASH = "#";

    private static final class Node {
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        final ConcurrentHashMap<String, Integer> subscribers = new ConcurrentHashMap<>(2);

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty();
        }
    }

    private final Node root = new Node();
    private final AtomicInteger count = new AtomicInteger();
    private final FilterInterest interest;

    public TopicTree() {
        this(FilterInterest.NONE);
    }

    public TopicTree(FilterInterest interest) {
        this.interest = interest;
    }

    /** Adds or replaces [MQTT-3.8.4-3] a subscription; returns whether it is new. */
    public synchronized boolean subscribe(String clientId, String filter, int qos) {
        Node node = root;
        for (String level : Topics.levels(filter)) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        boolean first = node.subscribers.isEmpty();
        boolean added = node.subscribers.put(clientId, qos) == null;
        if (added) {
            count.incrementAndGet();
            if (first) {
                interest.changed(filter, true);
            }
        }
        return added;
    }

    /** Removes a subscription; returns whether there was one. */
    public synchronized boolean unsubscribe(String clientId, String filter) {
        String[] levels = Topics.levels(filter);
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].children.get(levels[i]);
            if (path[i + 1] == null) {
                return false;
            }
        }
        boolean removed = path[levels.length].subscribers.remove(clientId) != null;
        if (removed) {
            count.decrementAndGet();
            if (path[levels.length].subscribers.isEmpty()) {
                interest.changed(filter, false);
            }
            // prune the branch so a churn of unique filters does not grow the tree forever
            for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
                path[i - 1].children.remove(levels[i - 1], path[i]);
            }
        }
        return removed;
    }

    /**
     * The subscribers whose filters match {@code topic}, each once with the highest QoS among its
     * matching subscriptions [MQTT-3.3.5-1].
     */
    public Map<String, Integer> match(String topic) {
        if (root.children.isEmpty()) {
            return Map.of(); // no subscription at all: a node that only ingests
        }
        Map<String, Integer> out = new HashMap<>();
        String[] levels = Topics.levels(topic);
        // [MQTT-4.7.2-1] a filter starting with a wildcard does not match a topic starting with '$'
        boolean dollar = topic.startsWith("$");
        collect(root, levels, 0, dollar, out);
        return out;
    }

    private static void collect(Node node, String[] levels, int i, boolean dollar, Map<String, Integer> out) {
        if (i == levels.length) {
            addAll(node, out);
            Node hash = node.children.get(HASH);
            if (hash != null) {
                addAll(hash, out); // "a/#" matches "a" [MQTT-4.7.1-2]
            }
            return;
        }
        if (!(dollar && i == 0)) {
            Node hash = node.children.get(HASH);
            if (hash != null) {
                addAll(hash, out);
            }
            Node plus = node.children.get(PLUS);
            if (plus != null) {
                collect(plus, levels, i + 1, dollar, out);
            }
        }
        Node exact = node.children.get(levels[i]);
        if (exact != null) {
            collect(exact, levels, i + 1, dollar, out);
        }
    }

    private static void addAll(Node node, Map<String, Integer> out) {
        if (!node.subscribers.isEmpty()) {
            node.subscribers.forEach((clientId, qos) -> out.merge(clientId, qos, Math::max));
        }
    }

    public int size() {
        return count.get();
    }
}
