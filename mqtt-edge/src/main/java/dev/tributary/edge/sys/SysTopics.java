package dev.tributary.edge.sys;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import dev.tributary.edge.retained.RetainedStore;

/**
 * The $SYS topics Mosquitto users look for, published retained by the broker itself. Only
 * subscriptions naming {@code $SYS} see them: a leading wildcard never matches a '$' topic.
 */
public final class SysTopics {

    private final Broker broker;
    private final SessionRegistry sessions;
    private final TopicTree tree;
    private final RetainedStore retained;
    private final EdgeMetrics metrics;
    private final String version;
    private final long startedAtMillis = System.currentTimeMillis();

    public SysTopics(Broker broker, SessionRegistry sessions, TopicTree tree, RetainedStore retained,
            EdgeMetrics metrics, String version) {
        this.broker = broker;
        this.sessions = sessions;
        this.tree = tree;
        this.retained = retained;
        this.metrics = metrics;
        this.version = version;
    }

    /** The current values, by topic. */
    public Map<String, String> snapshot() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("$SYS/broker/version", "Tributary " + version);
        values.put("$SYS/broker/uptime", (System.currentTimeMillis() - startedAtMillis) / 1000 + " seconds");
        values.put("$SYS/broker/clients/connected", Long.toString(sessions.connectedCount()));
        values.put("$SYS/broker/messages/received", Long.toString((long) metrics.receivedCount()));
        values.put("$SYS/broker/messages/sent", Long.toString((long) metrics.sentCount()));
        values.put("$SYS/broker/subscriptions/count", Integer.toString(tree.size()));
        values.put("$SYS/broker/retained messages/count", Integer.toString(retained.size()));
        long everywhere = broker.otherNodes().clientsConnected();
        if (everywhere >= 0) {
            // the whole broker, all edges together (the figures above are this edge's)
            values.put("$SYS/broker/cluster/clients/connected", Long.toString(everywhere));
            values.put("$SYS/broker/cluster/nodes", Integer.toString(broker.otherNodes().nodesAlive()));
        }
        return values;
    }

    public void publish() {
        long now = System.currentTimeMillis();
        snapshot().forEach((topic, value) -> broker.publishInternal(
                new Message(topic, value.getBytes(StandardCharsets.UTF_8), 0, true, null, null, now)));
    }
}
