package dev.tributary.edge.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.AclCheck.SubjectRules;
import dev.tributary.common.log.Untrusted;
import dev.tributary.common.topic.Topics;

/**
 * One connection's receive check against the replica's rules. What it derives is kept until the ACL
 * generation moves (a rule, a group membership or a principal changed) or a subscription is added:
 * <ul>
 * <li>the client's own rules, placeholders substituted ({@link AclCheck#compile}), so a check scans only them;
 * <li>the subscriptions whose every topic is allowed: a topic one of them matches is delivered with no
 * further look (the fast path; true under the current rules whichever subscription routed the message);
 * <li>a small cache of decisions by topic, for the other subscriptions: bounded at {@value #CACHE_SIZE}
 * entries, two per set (a third topic in a set displaces the older of the two);
 * <li>the last four topics decided (the same string objects again: every delivery of one message shares
 * its topic string, and a client's stream often repeats a few topics).
 * </ul>
 * Called with the session's lock held; a hit allocates nothing.
 */
final class ClientReceiveCheck implements ReceiveCheck {

    private static final Logger LOG = Logger.getLogger(ClientReceiveCheck.class);
    static final int CACHE_SIZE = 64;
    private static final Topics.Prepared[] NONE = new Topics.Prepared[0];

    private final ReplicaAuth auth;
    private final String clientId;
    private final String username;

    private long generation = -1;
    /** Null when the client may receive nothing (principal deleted or disabled). */
    private SubjectRules rules;
    private int subscriptionsVersion;
    private Topics.Prepared[] whollyAllowed = NONE;
    /**
     * The last four topic strings decided, in fields of this object rather than an array of their own, so a
     * topic sent again costs a reference comparison and no memory beyond what every delivery touches.
     * Bit i of {@code recentAllowed} is the decision for {@code recent<i>}.
     */
    private String recent0;
    private String recent1;
    private String recent2;
    private String recent3;
    private int recentAllowed;
    private int recentNext;
    /** Topic and decision side by side (topic at 2i, Boolean at 2i + 1): one object, neighbouring entries. */
    private Object[] cache;

    ClientReceiveCheck(ReplicaAuth auth, String clientId, String username) {
        this.auth = auth;
        this.clientId = clientId;
        this.username = username;
    }

    @Override
    public boolean maySubscribe(String filter) {
        if (auth.aclGeneration() != generation) {
            // the subscriptions are unknown here: a version that never matches makes the next delivery derive them
            refresh(Map.of(), Integer.MIN_VALUE);
        }
        if (rules != null && rules.grants(filter)) {
            return true;
        }
        auth.deniedSubscribe();
        return false;
    }

    @Override
    public boolean mayReceive(String topic, Map<String, Integer> subscriptions, int version) {
        if (auth.aclGeneration() != generation) {
            refresh(subscriptions, version);
        } else if (version != subscriptionsVersion) {
            whollyAllowed = wholly(subscriptions);
            subscriptionsVersion = version;
        }
        int recent = recent(topic);
        if (recent >= 0) {
            return (recentAllowed & (1 << recent)) != 0 || denied();
        }
        boolean allowed = whollyAllowedTopic(topic) || cached(topic);
        remember(topic, allowed);
        return allowed || denied();
    }

    /** The client's rules under the current ACL generation, and nothing derived from older ones. */
    private void refresh(Map<String, Integer> subscriptions, int version) {
        // the generation is read before the snapshot: rules at least as new as the generation noted
        long current = auth.aclGeneration();
        rules = auth.receiveRules(clientId, username);
        generation = current;
        whollyAllowed = wholly(subscriptions);
        subscriptionsVersion = version;
        recent0 = recent1 = recent2 = recent3 = null;
        if (cache != null) {
            Arrays.fill(cache, null);
        }
    }

    private int recent(String topic) {
        // identity, not equals: every delivery of one message shares its topic string
        if (topic == recent0) {
            return 0;
        } else if (topic == recent1) {
            return 1;
        } else if (topic == recent2) {
            return 2;
        } else if (topic == recent3) {
            return 3;
        }
        return -1;
    }

    private void remember(String topic, boolean allowed) {
        int i = recentNext;
        recentNext = (i + 1) & 3;
        switch (i) {
            case 0 -> recent0 = topic;
            case 1 -> recent1 = topic;
            case 2 -> recent2 = topic;
            default -> recent3 = topic;
        }
        recentAllowed = allowed ? recentAllowed | (1 << i) : recentAllowed & ~(1 << i);
    }

    private boolean whollyAllowedTopic(String topic) {
        for (Topics.Prepared filter : whollyAllowed) {
            if (filter.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    private boolean denied() {
        auth.deniedReceive();
        return false;
    }

    private Topics.Prepared[] wholly(Map<String, Integer> subscriptions) {
        if (rules == null || subscriptions.isEmpty()) {
            return NONE;
        }
        List<Topics.Prepared> wholly = null;
        for (String filter : subscriptions.keySet()) {
            if (rules.allowsAllOf(filter)) {
                if (wholly == null) {
                    wholly = new ArrayList<>(subscriptions.size());
                }
                wholly.add(Topics.prepare(filter));
            }
        }
        return wholly == null ? NONE : wholly.toArray(NONE);
    }

    private boolean cached(String topic) {
        if (cache == null) {
            cache = new Object[2 * CACHE_SIZE];
        }
        // two ways per set, side by side: [topic, decision, topic, decision]
        int hash = topic.hashCode(); // computed once per topic string, which every delivery of a message shares
        int set = 4 * ((hash ^ (hash >>> 16)) & (CACHE_SIZE / 2 - 1));
        Object first = cache[set];
        if (first == topic || topic.equals(first)) {
            return cache[set + 1] == Boolean.TRUE;
        }
        Object second = cache[set + 2];
        if (second == topic || topic.equals(second)) {
            return cache[set + 3] == Boolean.TRUE;
        }
        boolean allowed = decide(topic);
        // the newer entry goes first, the one it displaces second; the older second is forgotten
        cache[set + 2] = first;
        cache[set + 3] = cache[set + 1];
        cache[set] = topic;
        cache[set + 1] = Boolean.valueOf(allowed);
        return allowed;
    }

    /** Decisions in the cache (tests). */
    int cachedEntries() {
        int count = 0;
        for (int i = 0; cache != null && i < cache.length; i += 2) {
            count += cache[i] == null ? 0 : 1;
        }
        return count;
    }

    private boolean decide(String topic) {
        // the names and the topic are the clients' own choice: quoted, so none can forge a log line
        if (rules == null) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("not delivering %s to %s: user %s is unknown or disabled", Untrusted.quote(topic),
                        Untrusted.quote(clientId), Untrusted.quote(username));
            }
            return false;
        }
        boolean allowed = rules.allows(topic);
        if (!allowed && LOG.isDebugEnabled()) {
            int rule = rules.decidingRule(topic);
            LOG.debugf("not delivering %s to %s (user %s): %s", Untrusted.quote(topic), Untrusted.quote(clientId),
                    Untrusted.quote(username), rule < 0 ? "no rule allows receiving it" : "ACL rule " + rule + " denies it");
        }
        return allowed;
    }
}
