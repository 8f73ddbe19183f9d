package dev.tributary.kafkalocal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each Tributary service needs on a secured cluster, and no more: the same rules
 * docs/security.md gives as {@code kafka-acls.sh} commands. READ and WRITE imply DESCRIBE in Kafka,
 * so DESCRIBE is not listed. A service's readiness check (describe cluster) needs no ACL.
 */
public final class ServiceAcls {

    /** The edge's downlink consumer groups are {@code tributary-edge-downlink-<node id>} (mqtt-edge's EdgeNode). */
    public static final String EDGE_DOWNLINK_GROUP_PREFIX = "tributary-edge-downlink-";
    /** The topics through which edges form one broker: interest and each node's inbox (the edge's defaults). */
    public static final String EDGE_CLUSTER_TOPIC_PREFIX = "tributary.cluster.";
    /** The state the edges share: retained messages, persistent sessions and their offline queue (the edge's defaults). */
    public static final String EDGE_STATE_TOPIC_PREFIX = "tributary.state.";

    private ServiceAcls() {
    }

    /**
     * auth-service: creates the auth topic at start-up (CREATE; an existing topic is answered
     * "exists" only to whoever may create it), reads it to its end, writes it with an idempotent
     * producer (WRITE suffices for idempotence since Kafka 2.8). It uses no consumer group.
     */
    public static List<AclBinding> authService(String principal, String authTopic) {
        return List.of(
                topic(authTopic, principal, AclOperation.CREATE),
                topic(authTopic, principal, AclOperation.READ),
                topic(authTopic, principal, AclOperation.WRITE));
    }

    /**
     * mqtt-edge: reads the auth topic (assigned, no group); writes the mirror topics; reads the
     * downlink topic in its own consumer group per node; reads and writes the topics through which
     * the edges form one broker (the interest topic, every node's inbox, the retained, sessions and queue topics;
     * no group);
     * creates its topics at start-up (drop those CREATE rules and set
     * {@code tributary.edge.mirror.topics.create=false} when an operator creates the topics).
     */
    public static List<AclBinding> edge(String principal, String authTopic, Collection<String> mirrorTopics,
            String downlinkTopic) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(topic(authTopic, principal, AclOperation.READ));
        for (String mirror : mirrorTopics) {
            acls.add(topic(mirror, principal, AclOperation.WRITE));
            acls.add(topic(mirror, principal, AclOperation.CREATE));
        }
        acls.add(topic(downlinkTopic, principal, AclOperation.READ));
        acls.add(topic(downlinkTopic, principal, AclOperation.CREATE));
        acls.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, EDGE_DOWNLINK_GROUP_PREFIX, PatternType.PREFIXED),
                allow(principal, AclOperation.READ)));
        for (AclOperation operation : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, EDGE_CLUSTER_TOPIC_PREFIX, PatternType.PREFIXED),
                    allow(principal, operation)));
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, EDGE_STATE_TOPIC_PREFIX, PatternType.PREFIXED),
                    allow(principal, operation)));
        }
        return acls;
    }

    /** The ingest-connector's transactional ids are {@code tributary-ingest-<instance id>} (its IngestConnector). */
    public static final String INGEST_TRANSACTIONAL_ID_PREFIX = "tributary-ingest-";

    /**
     * ingest-connector: reads the raw topics in its consumer group (READ on the group also lets it commit
     * offsets inside a transaction); writes the curated and dead-letter topics with a transactional,
     * idempotent producer (WRITE on its transactional ids, {@code tributary-ingest-<instance id>}, and on
     * the topics: no cluster-wide IDEMPOTENT_WRITE since Kafka 2.8); creates the curated and dead-letter
     * topics at start-up (drop those CREATE rules and set {@code tributary.ingest.topics.create=false}
     * when an operator creates them).
     */
    public static List<AclBinding> ingestConnector(String principal, String groupId, Collection<String> rawTopics,
            Collection<String> outputTopics) {
        List<AclBinding> acls = new ArrayList<>();
        for (String raw : rawTopics) {
            acls.add(topic(raw, principal, AclOperation.READ));
        }
        acls.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, groupId, PatternType.LITERAL),
                allow(principal, AclOperation.READ)));
        for (String out : outputTopics) {
            acls.add(topic(out, principal, AclOperation.WRITE));
            acls.add(topic(out, principal, AclOperation.CREATE));
        }
        acls.add(new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, INGEST_TRANSACTIONAL_ID_PREFIX,
                PatternType.PREFIXED), allow(principal, AclOperation.WRITE)));
        return acls;
    }

    /**
     * fleet-stats (Kafka Streams, exactly once): reads the curated topic; writes and creates the stats
     * topic; its consumer group is its application id; it creates, reads, writes and trims (DELETE,
     * for repartition topics) its internal topics, all named {@code <application id>-…}, and checks their
     * configuration (DESCRIBE_CONFIGS); its transactional ids are {@code <application id>-<process>-<thread>}.
     */
    public static List<AclBinding> fleetStats(String principal, String applicationId, String curatedTopic, String statsTopic) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(topic(curatedTopic, principal, AclOperation.READ));
        acls.add(topic(statsTopic, principal, AclOperation.WRITE));
        acls.add(topic(statsTopic, principal, AclOperation.CREATE));
        acls.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL),
                allow(principal, AclOperation.READ)));
        for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE,
                AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED),
                    allow(principal, operation)));
        }
        acls.add(new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED),
                allow(principal, AclOperation.WRITE)));
        return acls;
    }

    private static AclBinding topic(String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), allow(principal, operation));
    }

    private static AccessControlEntry allow(String principal, AclOperation operation) {
        return new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW);
    }
}
