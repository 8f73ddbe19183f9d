package dev.tributary.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.config.EdgeConfig;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mirror.PublishListener;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.retained.RetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import dev.tributary.edge.sys.SysTopics;
import dev.tributary.edge.transport.MqttServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Assembles the edge node from configuration: the plain-Java broker parts, the listener, $SYS,
 * and starts and stops them with the Quarkus application.
 */
@ApplicationScoped
public class EdgeNode {

    private static final Logger LOG = Logger.getLogger(EdgeNode.class);

    private final EdgeConfig config;
    private final EdgeMetrics metrics;
    private final TopicTree tree = new TopicTree();
    private final RetainedStore retained = new InMemoryRetainedStore();
    private final SessionRegistry sessions;
    private final Broker broker;
    private final MqttServer server;
    private final SysTopics sys;
    private final String nodeId;
    private ScheduledExecutorService scheduler;

    EdgeNode(EdgeConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.metrics = new EdgeMetrics(registry);
        this.nodeId = config.nodeId().orElseGet(EdgeNode::hostName);
        EdgeConfig.Limits limits = config.limits();
        this.sessions = new SessionRegistry(tree, new InMemorySessionStore(), metrics,
                limits.maxInflight(), limits.maxQueuedMessages());
        AllowAll allowAll = new AllowAll();
        this.broker = new Broker(sessions, tree, retained, PublishListener.NONE, allowAll, allowAll, metrics,
                new ProtocolLimits(new TopicLimits(limits.maxTopicLength(), limits.maxTopicLevels()),
                        limits.maxClientIdLength(), config.mqtt().allowAnonymous()));
        this.server = new MqttServer(broker, metrics, new MqttServer.Settings(config.mqtt().host(), config.mqtt().port(),
                limits.maxPacketSize(), limits.maxClientIdLength(), limits.maxConnections(),
                config.mqtt().connectTimeout(), limits.maxOutboundBuffer()));
        this.sys = new SysTopics(broker, sessions, tree, retained, metrics, version);
        metrics.gauge("tributary.mqtt.sessions", "sessions kept, online or not", sessions::size);
        metrics.gauge("tributary.mqtt.subscriptions", "subscriptions in the topic tree", tree::size);
        metrics.gauge("tributary.mqtt.retained", "retained messages", retained::size);
    }

    void start(@Observes StartupEvent event) throws InterruptedException {
        server.start();
        long interval = config.sys().interval().toMillis();
        if (interval > 0) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "sys-topics");
                thread.setDaemon(true);
                return thread;
            });
            scheduler.scheduleAtFixedRate(this::publishSys, 0, interval, TimeUnit.MILLISECONDS);
        }
        LOG.infof("edge node %s ready", nodeId);
    }

    private void publishSys() {
        try {
            sys.publish();
        } catch (RuntimeException e) {
            LOG.warn("publishing $SYS topics failed", e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        server.stop();
        LOG.infof("edge node %s stopped", nodeId);
    }

    @Produces
    @Singleton
    Broker broker() {
        return broker;
    }

    public MqttServer server() {
        return server;
    }

    public SysTopics sys() {
        return sys;
    }

    public String nodeId() {
        return nodeId;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "edge";
        }
    }
}
