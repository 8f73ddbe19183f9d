package dev.tributary.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.auth.Authenticator;
import dev.tributary.edge.auth.Authorizer;
import dev.tributary.edge.authreplica.KafkaAuthReplica;
import dev.tributary.edge.auth.ReplicaAuth;
import dev.tributary.edge.cluster.ClusterSender;
import dev.tributary.edge.cluster.KafkaOtherNodes;
import dev.tributary.edge.cluster.KafkaRetainedStore;
import dev.tributary.edge.cluster.KafkaSessionStore;
import dev.tributary.edge.config.EdgeConfig;
import dev.tributary.edge.downlink.KafkaDownlink;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mirror.KafkaMirror;
import dev.tributary.edge.mirror.MappingRule;
import dev.tributary.edge.mirror.MappingRules;
import dev.tributary.edge.mirror.MirrorTopics;
import dev.tributary.edge.protocol.PublishListener;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.OtherNodes;
import dev.tributary.edge.protocol.ClientLimits;
import dev.tributary.edge.protocol.Mqtt5Limits;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.session.SessionV5;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.retained.RetainedLimits;
import dev.tributary.edge.retained.RetainedStore;
import dev.tributary.edge.session.ByteBudget;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionLimits;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.session.SessionStore;
import dev.tributary.edge.subscriptions.TopicTree;
import dev.tributary.edge.sys.SysTopics;
import dev.tributary.edge.transport.MqttServer;
import dev.tributary.edge.transport.TlsContexts;
import dev.tributary.edge.transport.UnixSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Assembles the edge node from configuration: the plain-Java broker parts, the listener, $SYS,
 * and starts and stops them with the Quarkus application.
 */
@ApplicationScoped
public class EdgeNode {

    private static final Logger LOG = Logger.getLogger(EdgeNode.class);

    private final EdgeConfig config;
    private final EdgeMetrics metrics;
    private final TopicTree tree;
    private final RetainedStore retained;
    private final SessionRegistry sessions;
    private final Broker broker;
    private final MqttServer server;
    private final SysTopics sys;
    private final String nodeId;
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry registry;
    private final MappingRules rules;
    private final KafkaMirror mirror;
    private final KafkaAuthReplica authReplica;
    private final ThreadPoolExecutor hashing;
    private final ClusterSender clusterSender;
    private final KafkaOtherNodes otherNodes;
    private final KafkaRetainedStore sharedRetained;
    private final KafkaSessionStore sharedSessions;
    private KafkaDownlink downlink;
    private Admin admin;
    private ScheduledExecutorService scheduler;

    EdgeNode(EdgeConfig config, MeterRegistry registry,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.registry = registry;
        this.kafkaConfig = kafkaConfig;
        this.metrics = new EdgeMetrics(registry);
        this.nodeId = config.nodeId().orElseGet(EdgeNode::hostName);
        this.rules = mappingRules(config.mirror());
        this.mirror = config.mirror().enabled() ? new KafkaMirror(rules, KafkaMirror.producer(producerConfig()),
                new KafkaMirror.Settings(nodeId, config.mirror().maxQos0Pending(),
                        config.mirror().unavailableAfter().toMillis(), config.mirror().maxPendingBytes()), registry, metrics) : null;
        EdgeConfig.Retained retainedLimits = config.retained();
        InMemoryRetainedStore localRetained = new InMemoryRetainedStore(new RetainedLimits(retainedLimits.maxMessages(),
                retainedLimits.maxBytes(), retainedLimits.maxMessagesPerTree(), retainedLimits.maxBytesPerTree()));
        EdgeConfig.Cluster cluster = config.cluster();
        if (cluster.enabled()) {
            Map<String, Object> producer = new HashMap<>(kafkaConfig);
            producer.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-edge-cluster");
            // its own thread waits for Kafka, so records keep their order and no connection waits
            this.clusterSender = new ClusterSender(KafkaMirror.producer(producer, Long.MAX_VALUE), cluster.maxBacklogBytes(), registry);
            this.otherNodes = new KafkaOtherNodes(kafkaConfig, new KafkaOtherNodes.Settings(nodeId, cluster.interestTopic(),
                    cluster.inboxPrefix(), cluster.clientsTopic(), cluster.heartbeat(), cluster.nodeTimeout(),
                    cluster.maxRemoteWillBytes()), clusterSender, registry);
            this.sharedRetained = new KafkaRetainedStore(kafkaConfig, cluster.retainedTopic(), nodeId, clusterSender,
                    localRetained, registry);
            this.sharedSessions = new KafkaSessionStore(kafkaConfig, new KafkaSessionStore.Settings(nodeId, cluster.sessionsTopic(),
                    cluster.queueTopic(), cluster.queuePartitions(), cluster.queueMaxMessages(), cluster.queueMaxBytes(),
                    cluster.queueMaxAge(), cluster.sessionFenceTimeout(), cluster.queueGrace(), cluster.queueReaders()),
                    clusterSender, registry, metrics);
            otherNodes.sessions(sharedSessions);
            this.tree = new TopicTree(otherNodes);
            this.retained = sharedRetained;
        } else {
            this.clusterSender = null;
            this.otherNodes = null;
            this.sharedRetained = null;
            this.sharedSessions = null;
            this.tree = new TopicTree();
            this.retained = localRetained;
        }
        EdgeConfig.Limits limits = config.limits();
        checkLimits(limits);
        SessionStore sessionStore = sharedSessions != null ? sharedSessions : new InMemorySessionStore();
        this.sessions = new SessionRegistry(tree, sessionStore, metrics,
                new SessionLimits(limits.maxInflight(), limits.maxQueuedMessages(), limits.maxQueuedBytes(),
                        limits.maxSubscriptionsPerSession(), limits.maxAwaitingRelease()),
                new ByteBudget(limits.maxQueuedBytesTotal()));
        EdgeConfig.Auth auth = config.auth();
        Authenticator authenticator;
        Authorizer authorizer;
        if (auth.enabled()) {
            this.authReplica = new KafkaAuthReplica(kafkaConfig, auth.topic());
            this.hashing = hashPool(auth.hashThreads());
            ReplicaAuth replicaAuth = new ReplicaAuth(authReplica, new ReplicaAuth.Settings(auth.credentialCacheSize(),
                    auth.maxFailures(), auth.maxFailuresPerAddress(), auth.maxFailuresPerUser(), auth.failureWindow().toNanos(),
                    auth.knownAddressWindow().toNanos(), auth.tokenIssuer(), (int) auth.tokenClockSkew().toSeconds(),
                    auth.dummyHashIterations()), hashing, System::nanoTime, registry, this::disconnectUsers);
            authenticator = replicaAuth;
            authorizer = replicaAuth;
        } else {
            LOG.warn("authentication is OFF (tributary.edge.auth.enabled=false): every client may use every topic");
            this.authReplica = null;
            this.hashing = null;
            AllowAll allowAll = new AllowAll();
            authenticator = allowAll;
            authorizer = allowAll;
        }
        this.broker = new Broker(sessions, tree, retained, mirror == null ? PublishListener.NONE : mirror,
                otherNodes == null ? OtherNodes.NONE : otherNodes, authenticator, authorizer, metrics,
                new ProtocolLimits(new TopicLimits(limits.maxTopicLength(), limits.maxTopicLevels()),
                        limits.maxClientIdLength(), config.mqtt().allowAnonymous(), config.mqtt().connectTimeout(),
                        config.tls().certificateCnAsUsername()),
                new ClientLimits(limits.maxPacketsBeforeConnack(), limits.maxBytesBeforeConnack(), limits.maxPendingAckBytes(),
                        limits.maxFiltersPerSubscribe()));
        EdgeConfig.Mqtt5 mqtt5 = config.mqtt5();
        broker.mqtt5Limits(new Mqtt5Limits(mqtt5.receiveMaximum(), mqtt5.topicAliasMaximum(), limits.maxPacketSize(),
                Math.min(mqtt5.maxSessionExpiry().toSeconds(), SessionV5.NEVER), mqtt5.responseInformation()));
        this.server = new MqttServer(broker, metrics, new MqttServer.Settings(config.mqtt().host(), config.mqtt().port(),
                config.mqtt().ioThreads(), limits.maxPacketSize(), limits.maxClientIdLength(), limits.maxConnections(),
                limits.maxOutboundBuffer(), limits.maxOutboundBufferDisconnect(), webSocket(config.websocket(), config.tls()), tls(config.tls())),
                UnixSocket.parse(config.unixSocket().orElse(""), config.unixSocketPermissions(),
                        config.unixSocketPeerUsers().orElse(List.of())));
        this.sys = new SysTopics(broker, sessions, tree, retained, metrics, version);
        metrics.gauge("tributary.mqtt.sessions", "sessions kept, online or not", sessions::size);
        metrics.gauge("tributary.mqtt.subscriptions", "subscriptions in the topic tree", tree::size);
        metrics.gauge("tributary.mqtt.retained", "retained messages", retained::size);
        metrics.gauge("tributary.mqtt.retained.bytes", "bytes the retained messages take, as their limits count them",
                retained::bytes);
        metrics.gauge("tributary.mqtt.queued.bytes", "bytes of the messages queued in all sessions", sessions::queuedBytes);
    }

    private void disconnectUsers(Set<String> users) {
        broker.disconnectUsers(users::contains, "credentials revoked, principal disabled or deleted");
    }

    /** Password hashes are slow on purpose: a few threads, and a bounded queue so a CONNECT storm is refused, not queued forever. */
    private static ThreadPoolExecutor hashPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread thread = new Thread(r, "auth-hash-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Rules from configuration, validated now so a typo stops the node at start-up with its reason. */
    /** Bounds that only make sense in one order; a wrong order would turn a soft limit into a disconnect. */
    private static void checkLimits(EdgeConfig.Limits limits) {
        if (limits.maxOutboundBufferDisconnect() <= limits.maxOutboundBuffer()) {
            throw new IllegalArgumentException("tributary.edge.limits.max-outbound-buffer-disconnect ("
                    + limits.maxOutboundBufferDisconnect() + ") must be larger than max-outbound-buffer (" + limits.maxOutboundBuffer() + ")");
        }
        if (limits.maxBytesBeforeConnack() <= limits.maxPacketSize()) {
            LOG.warnf("tributary.edge.limits.max-bytes-before-connack (%d) is not above max-packet-size (%d): a client that "
                    + "sends one large packet right after CONNECT is disconnected", limits.maxBytesBeforeConnack(), limits.maxPacketSize());
        }
    }

    private static MappingRules mappingRules(EdgeConfig.Mirror mirror) {
        List<MappingRule> rules = new ArrayList<>();
        for (int i = 0; i < mirror.rules().size(); i++) {
            EdgeConfig.Mirror.Rule rule = mirror.rules().get(i);
            try {
                rules.add(MappingRule.parse(rule.filter(), rule.topic(), rule.key()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tributary.edge.mirror.rules[" + i + "]: " + e.getMessage(), e);
            }
        }
        mirror.defaultTopic().ifPresent(topic -> {
            try {
                rules.add(MappingRule.parse("#", topic, "topic"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tributary.edge.mirror.default-topic: " + e.getMessage(), e);
            }
        });
        return new MappingRules(rules);
    }

    private static MqttServer.WebSocket webSocket(EdgeConfig.WebSocket ws, EdgeConfig.Tls tls) {
        if (!ws.enabled()) {
            return MqttServer.WebSocket.OFF;
        }
        if (!ws.path().startsWith("/")) {
            throw new IllegalArgumentException("tributary.edge.websocket.path must start with '/': " + ws.path());
        }
        if (ws.tls() == EdgeConfig.WebSocketTls.REQUIRED && !tls.enabled()) {
            throw new IllegalArgumentException("tributary.edge.websocket.tls=required needs tributary.edge.tls.enabled=true "
                    + "and its certificate and key");
        }
        MqttServer.WebSocketSecurity security = !tls.enabled() || ws.tls() == EdgeConfig.WebSocketTls.OFF
                ? MqttServer.WebSocketSecurity.PLAIN
                : ws.tls() == EdgeConfig.WebSocketTls.REQUIRED ? MqttServer.WebSocketSecurity.TLS : MqttServer.WebSocketSecurity.PLAIN_OR_TLS;
        if (security == MqttServer.WebSocketSecurity.PLAIN_OR_TLS && !tls.clientAuth().equalsIgnoreCase("none")) {
            LOG.warnf("tributary.edge.tls.client-auth=%s applies to TLS connections only: plain ws:// on port %d still "
                    + "takes user names and passwords; set tributary.edge.websocket.tls=required for WSS only", tls.clientAuth(), ws.port());
        }
        return new MqttServer.WebSocket(ws.host(), ws.port(), ws.path(), ws.allowedOrigins().orElse(List.of()), security);
    }

    private static MqttServer.Tls tls(EdgeConfig.Tls tls) {
        if (!tls.enabled()) {
            return MqttServer.Tls.OFF;
        }
        return new MqttServer.Tls(tls.host(), tls.port(), TlsContexts.server(tls.certificate().orElse(null),
                tls.key().orElse(null), tls.clientAuth(), tls.trustCertificates().orElse(null)));
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> producer = new HashMap<>(kafkaConfig);
        producer.putAll(config.mirror().producer());
        return producer;
    }

    void start(@Observes StartupEvent event) throws InterruptedException {
        if (authReplica != null) {
            authReplica.start();
        }
        Set<String> topics = new TreeSet<>();
        if (mirror != null) {
            topics.addAll(rules.kafkaTopics());
        }
        if (config.downlink().enabled()) {
            topics.add(config.downlink().topic());
        }
        if (config.mirror().topics().create()) {
            MirrorTopics.ensure(kafkaConfig, topics, config.mirror().topics().partitions(),
                    config.mirror().topics().replicationFactor(), config.mirror().topics().required());
        }
        if (mirror != null) {
            LOG.infof("mirroring to Kafka: %s", rules.rules());
        }
        if (otherNodes != null) {
            startCluster();
        }
        if (mirror != null || config.downlink().enabled()) {
            Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
            adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-edge-health");
            admin = Admin.create(adminConfig);
        }
        if (config.downlink().enabled()) {
            downlink = new KafkaDownlink(kafkaConfig, new KafkaDownlink.Settings(config.downlink().topic(),
                    "tributary-edge-downlink-" + nodeId, config.downlink().defaultQos(), config.downlink().defaultRetain()),
                    broker, registry);
            downlink.start();
        }
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

    /** Creates the shared topics if asked to, then reads them; CONNECT is answered 3 until they are read. */
    private void startCluster() {
        EdgeConfig.Cluster cluster = config.cluster();
        if (config.mirror().topics().create()) {
            short replication = config.mirror().topics().replicationFactor();
            Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            MirrorTopics.ensure(kafkaConfig, List.of(
                    new NewTopic(cluster.interestTopic(), 1, replication).configs(compacted),
                    new NewTopic(cluster.clientsTopic(), 1, replication).configs(compacted),
                    new NewTopic(cluster.retainedTopic(), 1, replication).configs(compacted),
                    new NewTopic(cluster.sessionsTopic(), 1, replication).configs(compacted),
                    new NewTopic(cluster.queueTopic(), cluster.queuePartitions(), replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(cluster.queueMaxAge().toMillis()))),
                    new NewTopic(KafkaOtherNodes.inboxTopic(cluster.inboxPrefix(), nodeId), 1, replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(cluster.inboxRetention().toMillis())))),
                    config.mirror().topics().required());
        }
        otherNodes.start(broker);
        sharedRetained.start();
        sharedSessions.start(otherNodes::alive);
        LOG.infof("one broker with the edges on Kafka: subscriptions on %s, retained messages on %s, node %s",
                cluster.interestTopic(), cluster.retainedTopic(), nodeId);
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
        // persistent sessions of the clients just closed go to Kafka, with what they still owed their clients
        sessions.awaitHandOffs(Duration.ofSeconds(20));
        // after the listener: the wills published while closing clients still reach Kafka
        if (otherNodes != null) {
            sharedSessions.close();
            otherNodes.close(); // the others stop sending here at once, not after the node timeout
            sharedRetained.close();
            clusterSender.close();
        }
        if (mirror != null) {
            mirror.close();
        }
        if (downlink != null) {
            downlink.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        if (authReplica != null) {
            authReplica.close();
            hashing.shutdownNow();
        }
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

    /** Null while the Kafka cluster answers within two seconds, else why not; null when the node uses no Kafka. */
    public String kafkaProblem() {
        if (admin == null) {
            return null;
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(3, TimeUnit.SECONDS);
            return null;
        } catch (Exception e) {
            return "unreachable: " + e.getClass().getSimpleName();
        }
    }

    /** The replica of the auth topic, or null when authentication is off. */
    public KafkaAuthReplica authReplica() {
        return authReplica;
    }

    /** The other edges of the broker, or null when this node is a broker on its own. */
    public KafkaOtherNodes otherNodes() {
        return otherNodes;
    }

    /** Whether the node has read the state the edges share (always true for a node on its own). */
    public boolean clusterStateLoaded() {
        return otherNodes == null || (otherNodes.ready() && sharedRetained.loaded() && sharedSessions.loaded());
    }

    /** The Kafka mirror, or null when mirroring is off. */
    public KafkaMirror mirror() {
        return mirror;
    }

    /** This node's sessions (tests, operations). */
    public SessionRegistry sessions() {
        return sessions;
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
