package dev.tributary.kafkalocal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The KRaft quorum of a local cluster: every node is broker and controller, and votes on the
 * controller port given here. Its size decides the replication of every topic: one node keeps one
 * replica; three or more keep three, of which two must be in sync to accept a write with acks=all.
 *
 * @param clusterId the id every node's storage is formatted with; null for a single broker, which gets a new one
 * @param controllerPorts each node's controller port on 127.0.0.1, by node id
 */
record Quorum(String clusterId, Map<Integer, Integer> controllerPorts) {

    Quorum {
        controllerPorts = Map.copyOf(controllerPorts);
    }

    static Quorum single(int controllerPort) {
        return new Quorum(null, Map.of(1, controllerPort));
    }

    int controllerPort(int nodeId) {
        Integer port = controllerPorts.get(nodeId);
        if (port == null) {
            throw new IllegalArgumentException("node " + nodeId + " is not in the quorum " + voters());
        }
        return port;
    }

    /** {@code controller.quorum.voters}: {@code 1@127.0.0.1:9093,2@127.0.0.1:9095,…} */
    String voters() {
        return new TreeMap<>(controllerPorts).entrySet().stream()
                .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue()).collect(Collectors.joining(","));
    }

    int replicationFactor() {
        return Math.min(3, controllerPorts.size());
    }

    /** Two of three replicas in sync: one broker may be lost without refusing or losing an acknowledged write. */
    int minInSyncReplicas() {
        return replicationFactor() >= 3 ? 2 : 1;
    }

    /**
     * The broker settings that follow from the quorum's size: one node keeps one replica of every
     * topic; three nodes keep three of every topic, internal ones included, and a write with acks=all
     * needs two of them in sync, so one broker may fail without a loss.
     */
    Map<String, String> replicationSettings() {
        String replicas = Integer.toString(replicationFactor());
        String minInSync = Integer.toString(minInSyncReplicas());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("default.replication.factor", replicas);
        settings.put("min.insync.replicas", minInSync);
        settings.put("offsets.topic.replication.factor", replicas);
        settings.put("transaction.state.log.replication.factor", replicas);
        settings.put("transaction.state.log.min.isr", minInSync);
        settings.put("share.coordinator.state.topic.replication.factor", replicas);
        settings.put("share.coordinator.state.topic.min.isr", minInSync);
        return settings;
    }
}
