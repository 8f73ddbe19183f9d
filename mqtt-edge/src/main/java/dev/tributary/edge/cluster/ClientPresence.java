package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import dev.tributary.common.log.Untrusted;
import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.kafka.CompactedTopicReader;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.Packet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Which client is connected to which node, shared through a compacted topic: one record per connection,
 * key {@code <client id> NUL <node>}, value the will's payload (empty without a will) with the will's topic,
 * QoS and retain flag and the user name in headers; a tombstone when the connection ends. It serves three
 * things:
 * <ul>
 * <li>takeover across nodes [MQTT-3.1.4-2]: every node reads the topic in the same order, so when a node
 * reads another node's record for a client connected here after reading this connection's own record,
 * that connection is the older one and closes;</li>
 * <li>wills of a dead node: when a node's heartbeat stops for the node timeout, the live node with the
 * smallest id publishes the wills of the clients that node still had, then removes their records; a node
 * that starts again does the same for the records its previous run left;</li>
 * <li>$SYS: clients connected to all nodes.</li>
 * </ul>
 * The wills of other nodes' clients are kept in memory up to a byte bound; beyond it a will is not kept
 * (counted and logged) and is lost if its node dies.
 */
final class ClientPresence {

    private static final Logger LOG = Logger.getLogger(ClientPresence.class);
    private static final String WILL_TOPIC = "tributary.will.topic";
    private static final String WILL_QOS = "tributary.will.qos";
    private static final String WILL_RETAIN = "tributary.will.retain";
    private static final String CONNECTION = "tributary.connection";

    /** A client connected to another node, with its will (null without one, or when over the byte bound). */
    record RemoteClient(String username, Packet.Will will) {
    }

    /** A connection of this node: what closes it, and whether its own record has been read back. */
    private static final class Local {
        final long id;
        final Runnable close;
        volatile boolean ownRecordRead;

        Local(long id, Runnable close) {
            this.id = id;
            this.close = close;
        }
    }

    private final String self;
    private final String topic;
    private final ClusterSender sender;
    private final RemoteInterest nodes;
    private final long maxWillBytes;
    private final CompactedTopicReader reader;
    private final Map<String, Map<String, RemoteClient>> byNode = new ConcurrentHashMap<>();
    private final Map<String, Local> local = new ConcurrentHashMap<>();
    /** This node's records found at start: connections of a previous run, whose wills are now due. */
    private final Map<String, RemoteClient> staleOwn = new HashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong willBytes = new AtomicLong();
    private final Counter unreadable;
    private final Counter willsNotKept;
    private final Counter deadNodeWills;
    private final Counter takenOver;
    private volatile Broker broker;
    private volatile boolean staleHandled;

    ClientPresence(Map<String, Object> kafkaConfig, String topic, String self, ClusterSender sender, RemoteInterest nodes,
            long maxWillBytes, MeterRegistry registry) {
        this.self = self;
        this.topic = topic;
        this.sender = sender;
        this.nodes = nodes;
        this.maxWillBytes = maxWillBytes;
        this.reader = new CompactedTopicReader(kafkaConfig, topic, "tributary-edge-clients", this::apply);
        this.unreadable = Counter.builder("tributary.cluster.unreadable").tag("topic", "clients")
                .description("records of other nodes skipped as unreadable").register(registry);
        this.willsNotKept = Counter.builder("tributary.cluster.wills.not.kept")
                .description("wills of other nodes' clients not kept: over tributary.edge.cluster.max-remote-will-bytes").register(registry);
        this.deadNodeWills = Counter.builder("tributary.cluster.dead.node.wills")
                .description("wills published for clients of a node that died").register(registry);
        this.takenOver = Counter.builder("tributary.cluster.taken.over")
                .description("connections closed because their client connected to another node").register(registry);
    }

    void start(Broker broker) {
        this.broker = broker;
        reader.start();
    }

    boolean loaded() {
        return reader.loaded();
    }

    Object connected(String clientId, String username, Packet.Will will, Runnable close) {
        Local connection = new Local(connectionIds.incrementAndGet(), close);
        local.put(clientId, connection);
        RecordHeaders headers = new RecordHeaders();
        if (username != null) {
            headers.add(MirrorHeaders.USERNAME, utf8(username));
        }
        headers.add(CONNECTION, utf8(Long.toString(connection.id)));
        if (will != null) {
            headers.add(WILL_TOPIC, utf8(will.topic()));
            headers.add(WILL_QOS, new byte[] { (byte) ('0' + will.qos()) });
            headers.add(WILL_RETAIN, new byte[] { (byte) (will.retain() ? '1' : '0') });
        }
        sender.send(List.of(new ProducerRecord<>(topic, null, RemoteInterest.key(clientId, self),
                will == null ? new byte[0] : will.payload(), headers)), false);
        return connection;
    }

    void disconnected(String clientId, Object handle) {
        if (handle instanceof Local connection && local.remove(clientId, connection)) {
            sender.send(List.of(tombstone(clientId, self)), false);
        }
    }

    private ProducerRecord<byte[], byte[]> tombstone(String clientId, String node) {
        return new ProducerRecord<>(topic, RemoteInterest.key(clientId, node), null);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String[] parts = RemoteInterest.parts(record.key());
        RemoteClient client = record.value() == null ? null : client(record);
        if (parts == null || (record.value() != null && client == null)) {
            unreadable.increment();
            LOG.warnf("skipping an unreadable record at offset %d of %s", record.offset(), record.topic());
            return;
        }
        String clientId = parts[0];
        String node = parts[1];
        if (node.equals(self)) {
            if (!reader.loaded()) {
                if (client == null) {
                    staleOwn.remove(clientId);
                } else {
                    staleOwn.put(clientId, client);
                }
                return;
            }
            Local connection = local.get(clientId);
            if (connection != null && client != null && Long.toString(connection.id).equals(KafkaOtherNodes.header(record, CONNECTION))) {
                connection.ownRecordRead = true;
            }
            return;
        }
        Map<String, RemoteClient> clients = byNode.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
        client = client == null ? null : withinBound(client);
        if (client == null) {
            RemoteClient gone = clients.remove(clientId);
            if (gone != null && gone.will() != null) {
                willBytes.addAndGet(-gone.will().payload().length);
            }
            return;
        }
        RemoteClient previous = clients.put(clientId, client);
        if (previous != null && previous.will() != null) {
            willBytes.addAndGet(-previous.will().payload().length);
        }
        Local connection = local.get(clientId);
        if (connection != null && connection.ownRecordRead) {
            // this node's connection was recorded first: the client has connected to another node since
            takenOver.increment();
            LOG.debugf("client %s connected to node %s: closing its connection here", Untrusted.quote(clientId), Untrusted.quote(node));
            connection.close.run();
        }
    }

    /** The client a record describes; null when unreadable. */
    private static RemoteClient client(ConsumerRecord<byte[], byte[]> record) {
        String username = KafkaOtherNodes.header(record, MirrorHeaders.USERNAME);
        String willTopic = KafkaOtherNodes.header(record, WILL_TOPIC);
        if (willTopic == null) {
            return new RemoteClient(username, null);
        }
        String qos = KafkaOtherNodes.header(record, WILL_QOS);
        String retain = KafkaOtherNodes.header(record, WILL_RETAIN);
        if (qos == null || !qos.matches("[012]") || retain == null) {
            return null;
        }
        return new RemoteClient(username, new Packet.Will(willTopic, record.value(), qos.charAt(0) - '0', retain.equals("1")));
    }

    /** The client with its will counted against the byte bound, or without its will when over it. */
    private RemoteClient withinBound(RemoteClient client) {
        if (client.will() == null) {
            return client;
        }
        int bytes = client.will().payload().length;
        if (willBytes.addAndGet(bytes) > maxWillBytes) {
            willBytes.addAndGet(-bytes);
            willsNotKept.increment();
            LOG.warnf("the will of a client of another node is not kept: over tributary.edge.cluster.max-remote-will-bytes (%d)",
                    maxWillBytes);
            return new RemoteClient(client.username(), null);
        }
        return client;
    }

    /**
     * Run every heartbeat once the node is ready: publishes the wills a previous run of this node left, and
     * those of dead nodes' clients when this node is the live node with the smallest id.
     */
    void publishDueWills() {
        Broker b = broker;
        if (b == null || !reader.loaded()) {
            return;
        }
        if (!staleHandled) {
            staleHandled = true;
            if (!staleOwn.isEmpty()) {
                LOG.infof("publishing the wills of %d connections a previous run of node %s had open", staleOwn.size(),
                        Untrusted.quote(self));
                publishAndForget(b, self, new HashMap<>(staleOwn));
                staleOwn.clear();
            }
        }
        Set<String> alive = nodes.liveNodeIds();
        Set<String> dead = new TreeSet<>();
        byNode.forEach((node, clients) -> {
            if (!clients.isEmpty() && !alive.contains(node)) {
                dead.add(node);
            }
        });
        if (dead.isEmpty()) {
            return;
        }
        alive.add(self);
        if (!alive.iterator().next().equals(self)) {
            return; // another live node publishes them
        }
        for (String node : dead) {
            Map<String, RemoteClient> clients = byNode.remove(node);
            LOG.infof("node %s is not heard from: publishing the wills of its %d clients", Untrusted.quote(node), clients.size());
            publishAndForget(b, node, clients);
        }
    }

    private void publishAndForget(Broker b, String node, Map<String, RemoteClient> clients) {
        List<ProducerRecord<byte[], byte[]>> tombstones = new ArrayList<>(clients.size());
        clients.forEach((clientId, client) -> {
            if (client.will() != null) {
                willBytes.addAndGet(node.equals(self) ? 0 : -client.will().payload().length);
                deadNodeWills.increment();
                b.publishWillOfDeadNode(clientId, client.username(), client.will());
            }
            tombstones.add(tombstone(clientId, node));
        });
        sender.send(tombstones, false);
    }

    /** Clients connected to live nodes, this one included. */
    long connectedEverywhere() {
        long count = local.size();
        for (Map.Entry<String, Map<String, RemoteClient>> e : byNode.entrySet()) {
            if (nodes.alive(e.getKey())) {
                count += e.getValue().size();
            }
        }
        return count;
    }

    void close() {
        reader.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
