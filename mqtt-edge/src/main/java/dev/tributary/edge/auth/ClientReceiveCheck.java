package dev.tributary.edge.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.AclCheck.SubjectRules;
import dev.tributary.common.topic.Topics;

/**
 * One connection's receive check against the replica's rules. What it derives is kept until the ACL
 * generation moves (a rule, a group membership or a principal changed) or a subscription is added:
 * <ul>
 * <li>the client's own rules, placeholders substituted ({@link AclCheck#compile}), so a check scans only them;
 * <li>the subscriptions whose every topic is allowed: a topic one of them matches is delivered with no
 * further look (the fast path; true under the current rules whichever subscription routed the message);
 * <li>a small direct-mapped cache of decisions by topic, for the other subscriptions: bounded at
 * {@value #CACHE_SIZE} entries, a colliding topic replaces the one before it;
 * <li>the last topic decided (the same string object again, as a device's command topic often is).
 * </ul>
 * Called with the session's lock held; a hit allocates nothing.
 */
final class ClientReceiveCheck implements ReceiveCheck {

    private static final Logger LOG = Logger.getLogger(ClientReceiveCheck.class);
    static final int CACHE_SIZE = 32;
    private static final Topics.Prepared[] NONE = new Topics.Prepared[0];

    private final ReplicaAuth auth;
    private final String clientId;
    private final String username;

    private long generation = -1;
    /** Null when the client may receive nothing (principal deleted or disabled). */
    private SubjectRules rules;
    private int subscriptionsVersion;
    private Topics.Prepared[] whollyAllowed = NONE;
    /** The last topic decided and its decision: a client sent the same topic again costs one comparison. */
    private String lastTopic;
    private boolean lastDecision;
    private String[] cachedTopics;
    private boolean[] cachedDecisions;

    ClientReceiveCheck(ReplicaAuth auth, String clientId, String username) {
        this.auth = auth;
        this.clientId = clientId;
        this.username = username;
    }

    @Override
    public boolean mayReceive(String topic, Map<String, Integer> subscriptions, int version) {
        long current = auth.aclGeneration();
        if (current != generation) {
            // the generation is read before the snapshot: rules at least as new as the generation noted
            rules = auth.receiveRules(clientId, username);
            generation = current;
            whollyAllowed = wholly(subscriptions);
            subscriptionsVersion = version;
            lastTopic = null;
            if (cachedTopics != null) {
                Arrays.fill(cachedTopics, null);
            }
        } else if (version != subscriptionsVersion) {
            whollyAllowed = wholly(subscriptions);
            subscriptionsVersion = version;
        }
        if (topic == lastTopic) {
            return lastDecision || denied();
        }
        boolean allowed = whollyAllowedTopic(topic) || cached(topic);
        lastTopic = topic;
        lastDecision = allowed;
        return allowed || denied();
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
        if (cachedTopics == null) {
            cachedTopics = new String[CACHE_SIZE];
            cachedDecisions = new boolean[CACHE_SIZE];
        }
        int hash = topic.hashCode(); // computed once per topic string, which every delivery of a message shares
        int slot = (hash ^ (hash >>> 16)) & (CACHE_SIZE - 1);
        boolean allowed;
        if (topic.equals(cachedTopics[slot])) {
            allowed = cachedDecisions[slot];
        } else {
            allowed = decide(topic);
            cachedTopics[slot] = topic;
            cachedDecisions[slot] = allowed;
        }
        return allowed;
    }

    /** Decisions in the cache (tests). */
    int cachedEntries() {
        int count = 0;
        for (int i = 0; cachedTopics != null && i < cachedTopics.length; i++) {
            count += cachedTopics[i] == null ? 0 : 1;
        }
        return count;
    }

    private boolean decide(String topic) {
        if (rules == null) {
            LOG.debugf("not delivering %s to %s: user %s is unknown or disabled", topic, clientId, username);
            return false;
        }
        boolean allowed = rules.allows(topic);
        if (!allowed && LOG.isDebugEnabled()) {
            int rule = rules.decidingRule(topic);
            LOG.debugf("not delivering %s to %s (user %s): %s", topic, clientId, username,
                    rule < 0 ? "no rule allows receiving it" : "ACL rule " + rule + " denies it");
        }
        return allowed;
    }
}
