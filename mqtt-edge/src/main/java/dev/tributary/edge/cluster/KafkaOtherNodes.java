package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.tributary.edge.kafka.PropertyHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.kafka.CompactedTopicReader;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.protocol.OtherNodes;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The other edges, through Kafka. Each node announces the filters its clients subscribed to on the
 * interest topic (one compacted record per filter, and a heartbeat), and reads every other node's. A
 * message accepted here goes, as one record, to the inbox topic of each live node that has a subscriber
 * for it, keyed by the publisher's client id so that one publisher's messages keep their order; each node
 * reads its own inbox from its end and routes what arrives to its subscribers. So a node reads from Kafka
 * only what its own clients want.
 */
public final class KafkaOtherNodes implements OtherNodes, TopicTree.FilterInterest, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaOtherNodes.class);
    private static final byte[] PRESENT = { '1' };
    /** Inbox header: the offset of the sessions topic the publishing node had read (see KafkaSessionStore). */
    static final String SESSIONS_POSITION = "tributary.sessions.position";

    /**
     * @param inboxPrefix  a node's inbox topic is this followed by its node id
     * @param heartbeat  how often this node says it is alive
     * @param nodeTimeout  a node silent that long is dead: nothing more is sent to it
     */
    public record Settings(String nodeId, String interestTopic, String inboxPrefix, String clientsTopic, Duration heartbeat,
            Duration nodeTimeout, long maxRemoteWillBytes) {
    }

    private final Settings settings;
    private final Map<String, Object> kafkaConfig;
    private final ClusterSender sender;
    private final RemoteInterest interest;
    private final CompactedTopicReader interestReader;
    private final ClientPresence presence;
    private final Set<String> ownFilters = ConcurrentHashMap.newKeySet();
    /** This node's records found at start: a previous run's, removed before this one announces anything. */
    private final Set<String> staleOwnFilters = new HashSet<>();
    private final ScheduledExecutorService heartbeats;
    private final Counter forwarded;
    private final Counter received;
    private final Counter unreadableInterest;
    private final Counter unreadableInbox;
    private KafkaConsumer<byte[], byte[]> inbox;
    private Thread inboxThread;
    private volatile boolean inboxAtEnd;
    private volatile boolean running = true;
    private volatile KafkaSessionStore sessions;

    public KafkaOtherNodes(Map<String, Object> kafkaConfig, Settings settings, ClusterSender sender, MeterRegistry registry) {
        this.settings = settings;
        this.kafkaConfig = kafkaConfig;
        this.sender = sender;
        this.interest = new RemoteInterest(settings.nodeId(), settings.nodeTimeout().toNanos(), System::nanoTime);
        this.interestReader = new CompactedTopicReader(kafkaConfig, settings.interestTopic(), "tributary-edge-interest",
                new CompactedTopicReader.Listener() {
                    @Override
                    public void apply(ConsumerRecord<byte[], byte[]> record) {
                        applyInterest(record);
                    }

                    @Override
                    public void loaded() {
                        removeStaleOwnRecords();
                    }
                });
        this.presence = new ClientPresence(kafkaConfig, settings.clientsTopic(), settings.nodeId(), sender, interest,
                settings.maxRemoteWillBytes(), registry);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "cluster-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        this.forwarded = Counter.builder("tributary.cluster.forwarded").description("messages handed on to another node")
                .register(registry);
        this.received = Counter.builder("tributary.cluster.received").description("messages other nodes handed on to this one")
                .register(registry);
        this.unreadableInterest = Counter.builder("tributary.cluster.unreadable").tag("topic", "interest")
                .description("records of other nodes skipped as unreadable").register(registry);
        this.unreadableInbox = Counter.builder("tributary.cluster.unreadable").tag("topic", "inbox")
                .description("records of other nodes skipped as unreadable").register(registry);
        Gauge.builder("tributary.cluster.nodes", interest, RemoteInterest::liveNodes)
                .description("other nodes alive (heartbeat within the node timeout)").register(registry);
        Gauge.builder("tributary.cluster.remote.filters", interest, RemoteInterest::filterCount)
                .description("filters other nodes' clients subscribed to").register(registry);
    }

    /** The inbox topic of {@code nodeId}: Kafka allows letters, digits, '.', '_' and '-' in topic names. */
    public static String inboxTopic(String prefix, String nodeId) {
        return prefix + nodeId.replaceAll("[^a-zA-Z0-9._-]", "_");
    }

    /** The shared persistent sessions: their position goes with each message handed on; ready only once they are read. */
    public void sessions(KafkaSessionStore store) {
        this.sessions = store;
    }

    /** Other nodes alive now, by id. */
    public boolean alive(String node) {
        return interest.alive(node);
    }

    /** Starts reading: this node's inbox from its end, the other nodes' subscriptions and clients. */
    public void start(Broker broker) {
        java.util.function.BiConsumer<Message, Long> deliver = broker::deliverFromOtherNode;
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-edge-inbox");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        inbox = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        inboxThread = new Thread(() -> readInbox(deliver), "cluster-inbox");
        inboxThread.setDaemon(true);
        inboxThread.start();
        interestReader.start();
        presence.start(broker);
    }

    @Override
    public boolean ready() {
        KafkaSessionStore store = sessions;
        return inboxAtEnd && interestReader.loaded() && presence.loaded() && (store == null || store.loaded());
    }

    private void readInbox(java.util.function.BiConsumer<Message, Long> deliver) {
        TopicPartition partition = new TopicPartition(inboxTopic(settings.inboxPrefix(), settings.nodeId()), 0);
        try {
            inbox.assign(List.of(partition));
            // what was sent to a previous run of this node was for connections that ended with it
            inbox.seekToEnd(List.of(partition));
            while (running && !inboxAtEnd) {
                try {
                    inbox.position(partition, Duration.ofSeconds(2));
                    inboxAtEnd = true;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.debugf("inbox %s not reachable yet", partition.topic());
                }
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : inbox.poll(Duration.ofMillis(500))) {
                    Message message = message(record);
                    if (message == null) {
                        unreadableInbox.increment();
                        LOG.warnf("skipping an unreadable record at offset %d of %s", record.offset(), record.topic());
                    } else {
                        received.increment();
                        deliver.accept(message, sessionsPosition(record));
                    }
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "reading the inbox %s stopped: messages from other nodes no longer arrive", partition.topic());
            inboxAtEnd = false;
        } finally {
            inbox.close(Duration.ofSeconds(2));
        }
    }

    private static Message message(ConsumerRecord<byte[], byte[]> record) {
        String topic = header(record, MirrorHeaders.TOPIC);
        String qos = header(record, MirrorHeaders.QOS);
        if (topic == null || qos == null || record.value() == null || !qos.matches("[012]")) {
            return null;
        }
        return new Message(topic, record.value(), qos.charAt(0) - '0', false, header(record, MirrorHeaders.CLIENT_ID),
                header(record, MirrorHeaders.USERNAME), record.timestamp(), PropertyHeaders.read(record.headers()));
    }

    /** The sessions position the publishing node had read; none (an older node): delivered as live. */
    private static long sessionsPosition(ConsumerRecord<byte[], byte[]> record) {
        String position = header(record, SESSIONS_POSITION);
        if (position == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void applyInterest(ConsumerRecord<byte[], byte[]> record) {
        RemoteInterest.Entry entry = RemoteInterest.entry(record.key());
        if (entry == null) {
            unreadableInterest.increment();
            LOG.warnf("skipping an unreadable record at offset %d of %s", record.offset(), record.topic());
            return;
        }
        if (!interestReader.loaded() && entry.node().equals(settings.nodeId())) {
            if (record.value() == null) {
                staleOwnFilters.remove(entry.filter());
            } else {
                staleOwnFilters.add(entry.filter());
            }
        }
        interest.apply(entry, record.value() != null, heartbeatAgeNanos(entry, record.value()));
    }

    /** How long ago a heartbeat was written (its value is the writer's clock in milliseconds); 0 for other records. */
    private static long heartbeatAgeNanos(RemoteInterest.Entry entry, byte[] value) {
        if (!entry.heartbeat() || value == null) {
            return 0;
        }
        try {
            long written = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
            return TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - written));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not a heartbeat this code wrote: no evidence of a flowing topic
        }
    }

    /**
     * Run once the interest topic is read: a previous run of this node (same node id) may have died with
     * filters announced; they are removed before any client can connect, then the heartbeat starts.
     */
    private void removeStaleOwnRecords() {
        if (!staleOwnFilters.isEmpty()) {
            List<ProducerRecord<byte[], byte[]>> tombstones = new ArrayList<>();
            staleOwnFilters.forEach(filter -> tombstones.add(interestRecord(filter, null)));
            LOG.infof("removing %d subscriptions a previous run of node %s announced", tombstones.size(), settings.nodeId());
            sender.send(tombstones, false).toCompletableFuture().join();
            staleOwnFilters.clear();
        }
        long every = settings.heartbeat().toMillis();
        heartbeats.scheduleAtFixedRate(this::beat, 0, every, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        sender.send(List.of(interestRecord("", Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII))), false);
        if (ready()) {
            try {
                presence.publishDueWills();
            } catch (RuntimeException e) {
                LOG.warn("publishing the wills of a dead node failed; trying again at the next heartbeat", e);
            }
            KafkaSessionStore store = sessions;
            if (store != null) {
                try {
                    store.releaseDeadOwners(interest.liveNodeIds());
                } catch (RuntimeException e) {
                    LOG.warn("recording the sessions of a dead node offline failed; trying again at the next heartbeat", e);
                }
            }
        }
    }

    private ProducerRecord<byte[], byte[]> interestRecord(String filter, byte[] value) {
        return new ProducerRecord<>(settings.interestTopic(), RemoteInterest.key(settings.nodeId(), filter), value);
    }

    @Override
    public void changed(String filter, boolean subscribed) {
        if (subscribed) {
            ownFilters.add(filter);
        } else {
            ownFilters.remove(filter);
        }
        sender.send(List.of(interestRecord(filter, subscribed ? PRESENT : null)), false);
    }

    @Override
    public CompletionStage<Void> forward(Message message) {
        Set<String> nodes = interest.nodesFor(message.topic());
        if (nodes.isEmpty()) {
            return DONE;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(nodes.size());
        KafkaSessionStore store = sessions;
        byte[] position = store == null ? null : Long.toString(store.position()).getBytes(StandardCharsets.US_ASCII);
        for (String node : nodes) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(MirrorHeaders.TOPIC, message.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(MirrorHeaders.QOS, new byte[] { (byte) ('0' + message.qos()) });
            if (message.clientId() != null) {
                headers.add(MirrorHeaders.CLIENT_ID, message.clientId().getBytes(StandardCharsets.UTF_8));
            }
            if (message.username() != null) {
                headers.add(MirrorHeaders.USERNAME, message.username().getBytes(StandardCharsets.UTF_8));
            }
            headers.add(MirrorHeaders.NODE, settings.nodeId().getBytes(StandardCharsets.UTF_8));
            PropertyHeaders.add(headers, message.properties());
            if (position != null) {
                headers.add(SESSIONS_POSITION, position);
            }
            byte[] key = message.clientId() == null ? null : message.clientId().getBytes(StandardCharsets.UTF_8);
            records.add(new ProducerRecord<>(inboxTopic(settings.inboxPrefix(), node), null, message.acceptedAtMillis(),
                    key, message.payload(), headers));
        }
        forwarded.increment(records.size());
        CompletionStage<Void> sent = sender.send(records, message.qos() == 0);
        return message.qos() == 0 ? DONE : sent;
    }

    @Override
    public Object clientConnected(String clientId, String username, Packet.Will will, Runnable close) {
        return presence.connected(clientId, username, will, close);
    }

    @Override
    public void clientDisconnected(String clientId, Object handle) {
        presence.disconnected(clientId, handle);
    }

    @Override
    public long clientsConnected() {
        return presence.connectedEverywhere();
    }

    @Override
    public int nodesAlive() {
        return interest.liveNodes() + 1;
    }

    /** Other nodes alive now. */
    public int liveNodes() {
        return interest.liveNodes();
    }

    /** Says goodbye: this node's subscriptions and heartbeat are removed, so the others stop sending at once. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        List<ProducerRecord<byte[], byte[]>> tombstones = new ArrayList<>();
        ownFilters.forEach(filter -> tombstones.add(interestRecord(filter, null)));
        tombstones.add(interestRecord("", null));
        sender.send(tombstones, false);
        sender.flush(Duration.ofSeconds(5));
        running = false;
        interestReader.close();
        presence.close();
        if (inbox != null) {
            inbox.wakeup();
            try {
                inboxThread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
