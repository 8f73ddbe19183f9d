package dev.tributary.edge.auth;

import dev.tributary.common.auth.AclCheck.SubjectRules;

/**
 * One connection's publish check against the replica's rules: the client's own publish rules, compiled
 * once per ACL generation, and the last topic decided (a device publishes to the same few topics). Used
 * on the connection's thread only.
 */
final class ClientPublishCheck implements PublishCheck {

    private final ReplicaAuth auth;
    private final String clientId;
    private final String username;

    private long generation = -1;
    /** Null when the client may publish nothing (principal deleted or disabled). */
    private SubjectRules rules;
    private String lastTopic;
    private boolean lastDecision;

    ClientPublishCheck(ReplicaAuth auth, String clientId, String username) {
        this.auth = auth;
        this.clientId = clientId;
        this.username = username;
    }

    @Override
    public boolean mayPublish(String topic) {
        long current = auth.aclGeneration();
        if (current != generation) {
            rules = auth.publishRules(clientId, username);
            generation = current;
            lastTopic = null;
        }
        boolean allowed;
        if (topic.equals(lastTopic)) {
            allowed = lastDecision;
        } else {
            allowed = rules != null && rules.allows(topic);
            lastTopic = topic;
            lastDecision = allowed;
        }
        return allowed || auth.deniedPublish();
    }
}
