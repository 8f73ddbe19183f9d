package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import dev.tributary.common.log.Untrusted;
import dev.tributary.edge.kafka.CompactedTopicReader;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.session.Session;
import dev.tributary.edge.session.SessionStore;
import dev.tributary.edge.session.StoredSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Persistent sessions in Kafka, shared by all edges. The sessions topic (compacted, key the client id) holds one
 * {@link SessionRecord} per session: the node holding it, or none while it is offline with where its queue
 * resumes; every node reads it whole ({@link SessionReplica}) and keeps the offline sessions' subscriptions in a
 * topic tree. A message for an offline session is appended to the queue topic (key the client id), by the node
 * it was published on. See docs/cluster.md, "Persistent sessions".
 */
public final class KafkaSessionStore implements SessionStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaSessionStore.class);

    /**
     * @param fenceTimeout  how long a node taking a session waits for the live node holding it to hand it over
     * @param grace  how long a session come online still reads its queue for late messages
     */
    public record Settings(String nodeId, String sessionsTopic, String queueTopic, int queuePartitions, int maxQueuedMessages,
            long maxQueuedBytes, Duration maxAge, Duration fenceTimeout, Duration grace, int readers) {
    }

    private final Settings settings;
    private final String self;
    private final ClusterSender sender;
    private final EdgeMetrics metrics;
    private final SessionReplica replica = new SessionReplica();
    private final CompactedTopicReader reader;
    private final QueueRecords queue;
    private final QueueReplayer replayer;
    private final ScheduledExecutorService fence;
    /** The record found when a session was opened here, until it is claimed. */
    private final Map<String, Optional<SessionRecord>> opened = new ConcurrentHashMap<>();
    /** The owner records of the sessions this node holds, as last written. */
    private final Map<String, SessionRecord> own = new ConcurrentHashMap<>();
    private final Map<String, QueueReplayer.Task> replays = new ConcurrentHashMap<>();
    /** Records of this node found at start: sessions a previous run held, now offline. */
    private final Map<String, SessionRecord> staleOwn = new HashMap<>();
    private final Counter unreadable;
    private final Counter queued;
    private final Counter fenceTimeouts;
    private final Counter deadOwner;
    private volatile Predicate<String> alive = node -> false;
    private volatile long position = -1;

    public KafkaSessionStore(Map<String, Object> kafkaConfig, Settings settings, ClusterSender sender, MeterRegistry registry,
            EdgeMetrics metrics) {
        this.settings = settings;
        this.self = settings.nodeId();
        this.sender = sender;
        this.metrics = metrics;
        this.queue = new QueueRecords(settings.queueTopic(), settings.queuePartitions(), self);
        this.reader = new CompactedTopicReader(kafkaConfig, settings.sessionsTopic(), "tributary-edge-sessions",
                new CompactedTopicReader.Listener() {
                    @Override
                    public void apply(ConsumerRecord<byte[], byte[]> record) {
                        applyRecord(record);
                    }

                    @Override
                    public void loaded() {
                        releaseStaleOwn();
                    }
                });
        this.replayer = new QueueReplayer(kafkaConfig, settings.queueTopic(), settings.grace(), settings.maxAge(),
                settings.readers(), registry, metrics);
        this.fence = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sessions-open");
            thread.setDaemon(true);
            return thread;
        });
        this.unreadable = Counter.builder("tributary.cluster.unreadable").tag("topic", "sessions")
                .description("records of other nodes skipped as unreadable").register(registry);
        this.queued = Counter.builder("tributary.sessions.queued")
                .description("messages this node appended to the queue topic for offline sessions").register(registry);
        this.fenceTimeouts = Counter.builder("tributary.sessions.fence.timeouts")
                .description("sessions taken without the node holding them having handed them over in time").register(registry);
        this.deadOwner = Counter.builder("tributary.sessions.dead.owner")
                .description("sessions of a dead node recorded offline by this node").register(registry);
        Gauge.builder("tributary.sessions.offline", replica, SessionReplica::offlineCount)
                .description("persistent sessions offline in the whole broker").register(registry);
        Gauge.builder("tributary.sessions.known", replica, SessionReplica::size)
                .description("persistent sessions in the whole broker").register(registry);
    }

    /** Starts reading the sessions topic; {@code liveNodes} tells which other nodes are alive. */
    public void start(Predicate<String> liveNodes) {
        this.alive = liveNodes;
        reader.start();
    }

    public boolean loaded() {
        return reader.loaded();
    }

    /** The offset of the last record of the sessions topic read here: handed on with messages to other nodes. */
    public long position() {
        return position;
    }

    private void applyRecord(ConsumerRecord<byte[], byte[]> record) {
        String clientId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (clientId == null || !replica.apply(clientId, record.offset(), record.value())) {
            unreadable.increment();
            LOG.warnf("skipping an unreadable record at offset %d of %s", record.offset(), record.topic());
            position = record.offset();
            return;
        }
        position = record.offset();
        if (!reader.loaded()) {
            SessionRecord r = record.value() == null ? null : SessionRecord.decode(record.value());
            if (r != null && self.equals(r.owner())) {
                staleOwn.put(clientId, r);
            } else {
                staleOwn.remove(clientId);
            }
            return;
        }
        SessionRecord mine = own.get(clientId);
        if (mine != null && record.value() != null) {
            SessionRecord r = SessionRecord.decode(record.value());
            if (r != null && r.offline() && !self.equals(r.lastOwner())) {
                // recorded offline for a node taken as dead while this node holds the session: held here again
                LOG.infof("session of %s recorded offline by another node while held here: recording it here again",
                        Untrusted.quote(clientId));
                writeOwn(clientId, mine);
            }
        }
    }

    /** Sessions a previous run of this node held: offline now, their queues where that run left them. */
    private void releaseStaleOwn() {
        if (staleOwn.isEmpty()) {
            return;
        }
        LOG.infof("recording offline %d sessions a previous run of node %s held", staleOwn.size(), Untrusted.quote(self));
        List<CompletableFuture<?>> writes = new ArrayList<>();
        staleOwn.forEach((clientId, r) -> writes.add(markOffline(clientId, r, self).toCompletableFuture()));
        staleOwn.clear();
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("recording the sessions of a previous run offline did not finish: %s", e.toString());
        }
    }

    /** Writes {@code r} as offline, last held by {@code node}; a queue position first if it had none. */
    private CompletionStage<Void> markOffline(String clientId, SessionRecord r, String node) {
        CompletionStage<long[]> resume = r.resumeOffset() >= 0
                ? CompletableFuture.completedFuture(new long[] { r.resumePartition(), r.resumeOffset() })
                : sender.sendForOffset(queue.marker(clientId)).thenApply(o -> new long[] { queue.partition(clientId), o });
        return resume.thenCompose(pos -> {
            SessionRecord offline = new SessionRecord("", node, (int) pos[0], pos[1], r.subscriptions(), r.awaitingRelease(),
                    r.released());
            return write(clientId, offline);
        }).thenAccept(o -> { });
    }

    private CompletionStage<Long> write(String clientId, SessionRecord r) {
        byte[] value = r.encode();
        return sender.sendForOffset(new ProducerRecord<>(settings.sessionsTopic(), clientId.getBytes(StandardCharsets.UTF_8), value))
                .thenApply(offset -> {
                    replica.apply(clientId, offset, value);
                    return offset;
                });
    }

    private void writeOwn(String clientId, SessionRecord r) {
        own.put(clientId, r);
        write(clientId, r);
    }

    // ---------------------------------------------------------------- SessionStore

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Optional<Map<String, Integer>> load(String clientId) {
        SessionReplica.Known k = replica.known(clientId);
        SessionRecord r = k == null ? null : SessionRecord.decode(k.value());
        return r == null ? Optional.empty() : Optional.of(r.subscriptions());
    }

    @Override
    public void save(String clientId, Map<String, Integer> subscriptions) {
        SessionRecord mine = own.get(clientId);
        if (mine != null) {
            writeOwn(clientId, mine.withSubscriptions(Map.copyOf(subscriptions)));
        }
    }

    @Override
    public void remove(String clientId) {
        own.remove(clientId);
        tombstone(clientId);
    }

    private CompletionStage<Void> tombstone(String clientId) {
        return sender.sendForOffset(new ProducerRecord<>(settings.sessionsTopic(), clientId.getBytes(StandardCharsets.UTF_8), null))
                .thenAccept(offset -> replica.apply(clientId, offset, null));
    }

    @Override
    public CompletionStage<Optional<StoredSession>> open(String clientId, boolean cleanSession) {
        CompletableFuture<Optional<StoredSession>> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + settings.fenceTimeout().toNanos();
        fence.execute(() -> awaitHandOver(clientId, cleanSession, deadline, result));
        return result;
    }

    /** Waits, on the fence thread, until no other live node holds the session; then opens it. */
    private void awaitHandOver(String clientId, boolean cleanSession, long deadline, CompletableFuture<Optional<StoredSession>> result) {
        try {
            SessionReplica.Known k = replica.known(clientId);
            if (k != null && !k.owner().isEmpty() && !k.owner().equals(self) && alive.test(k.owner())) {
                if (System.nanoTime() < deadline) {
                    fence.schedule(() -> awaitHandOver(clientId, cleanSession, deadline, result), 10, TimeUnit.MILLISECONDS);
                    return;
                }
                fenceTimeouts.increment();
                LOG.warnf("node %s did not hand the session of %s over within %s: taking it as last recorded",
                        Untrusted.quote(k.owner()), Untrusted.quote(clientId), settings.fenceTimeout());
            }
            if (cleanSession) {
                // [MQTT-3.1.2-6] a clean session discards the stored one, and with it its queue position
                if (k == null) {
                    result.complete(Optional.empty());
                } else {
                    tombstone(clientId).whenComplete((ok, error) -> complete(result, Optional.empty(), error));
                }
                return;
            }
            SessionRecord r = k == null ? null : SessionRecord.decode(k.value());
            replica.opening(clientId);
            opened.put(clientId, Optional.ofNullable(r));
            result.complete(r == null ? Optional.empty()
                    : Optional.of(new StoredSession(r.subscriptions(), r.awaitingRelease(), r.released())));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(value);
        }
    }

    @Override
    public void claim(Session session) {
        String clientId = session.clientId();
        Optional<SessionRecord> found = opened.remove(clientId);
        SessionRecord before = found == null ? null : found.orElse(null);
        replica.opened(clientId); // in this node's tree now: out of the index
        SessionRecord mine = new SessionRecord(self, before == null ? "" : before.lastOwner(),
                before == null ? -1 : before.resumePartition(), before == null ? -1 : before.resumeOffset(),
                Map.copyOf(session.subscriptions()), Set.of(), Set.of());
        own.put(clientId, mine);
        QueueReplayer.Task task = replayer.task(clientId, session, mine.resumePartition(), mine.resumeOffset());
        replays.put(clientId, task);
        write(clientId, mine).whenComplete((offset, error) -> {
            if (error != null) {
                LOG.warnf("recording the session of %s on this node failed: %s", Untrusted.quote(clientId), error.toString());
                session.sharedFrom(Long.MIN_VALUE + 1);
            } else {
                // a session without a record was queued by no node: everything other nodes hand on is its own
                session.sharedFrom(before == null ? Long.MIN_VALUE + 1 : offset);
            }
            task.claimed();
        });
    }

    @Override
    public void resume(Session session) {
        QueueReplayer.Task task = replays.get(session.clientId());
        if (task != null && task.session == session) {
            task.start();
        }
    }

    @Override
    public CompletionStage<Void> handOff(Session session) {
        String clientId = session.clientId();
        QueueHandOff handOff = new QueueHandOff(clientId, queue, sender);
        CompletionStage<Long> marker = sender.sendForOffset(queue.marker(clientId));
        Session.HandOff owed = session.handOff(handOff);
        handOff.send(owed.owed());
        QueueReplayer.Task task = replays.get(clientId);
        CompletionStage<Void> copied = DONE;
        if (task != null && task.session == session) {
            replays.remove(clientId, task);
            copied = task.handOff(handOff);
        }
        int partition = queue.partition(clientId);
        return copied.thenCompose(done -> {
            handOff.send(owed.heldLive());
            return handOff.open();
        }).thenCompose(done -> marker).thenCompose(resume -> {
            SessionRecord offline = new SessionRecord("", self, partition, resume, owed.subscriptions(), owed.awaitingRelease(),
                    owed.released());
            own.remove(clientId);
            return write(clientId, offline);
        }).thenAccept(offset -> LOG.debugf("session of %s offline at %d", clientId, offset));
    }

    @Override
    public boolean hasOfflineSessions() {
        return replica.hasOffline();
    }

    @Override
    public CompletionStage<Void> queueForOffline(Message message, Set<String> delivered, long routedFrom) {
        Map<String, Integer> matches = replica.matchOffline(message.topic());
        if (matches.isEmpty()) {
            return DONE;
        }
        List<ProducerRecord<byte[], byte[]>> records = null;
        for (Map.Entry<String, Integer> match : matches.entrySet()) {
            String clientId = match.getKey();
            int qos = Math.min(message.qos(), match.getValue());
            if (qos == 0 || delivered.contains(clientId)) {
                continue; // QoS 0 is not kept for offline sessions, as Mosquitto does by default
            }
            SessionReplica.Offline entry = replica.offline(clientId);
            if (entry == null) {
                continue;
            }
            // from another node: it queued the message itself, unless the session went offline here after it routed
            if (routedFrom != Long.MAX_VALUE && !(self.equals(entry.lastOwner) && entry.offset > routedFrom)) {
                continue;
            }
            long bytes = message.payload().length + message.topic().length() + 64L;
            synchronized (entry) {
                if (entry.queued >= settings.maxQueuedMessages()) {
                    metrics.limitExceeded("cluster.queue-max-messages", "QoS %d message on %s for offline %s not queued: %d queued by this node",
                            qos, message.topic(), clientId, entry.queued);
                    metrics.droppedQueueFull();
                    continue;
                }
                if (entry.queuedBytes + bytes > settings.maxQueuedBytes()) {
                    metrics.limitExceeded("cluster.queue-max-bytes", "QoS %d message on %s for offline %s not queued: %d bytes queued by this node",
                            qos, message.topic(), clientId, entry.queuedBytes);
                    metrics.droppedQueueFull();
                    continue;
                }
                entry.queued++;
                entry.queuedBytes += bytes;
            }
            if (records == null) {
                records = new ArrayList<>(2);
            }
            records.add(queue.message(clientId, message, qos, 0));
        }
        if (records == null) {
            return DONE;
        }
        queued.increment(records.size());
        return sender.send(records, false);
    }

    /**
     * Run every heartbeat: the sessions held by a node that is dead are recorded offline, by the live node with
     * the smallest id, so that messages for them are queued from then on.
     */
    void releaseDeadOwners(Set<String> liveNodes) {
        if (!reader.loaded()) {
            return;
        }
        TreeSet<String> alive = new TreeSet<>(liveNodes);
        alive.add(self);
        if (!alive.first().equals(self)) {
            return;
        }
        List<String> dead = new ArrayList<>();
        replica.forEachKnown((clientId, k) -> {
            if (!k.owner().isEmpty() && !alive.contains(k.owner())) {
                dead.add(clientId);
            }
        });
        for (String clientId : dead) {
            SessionReplica.Known k = replica.known(clientId);
            SessionRecord r = k == null ? null : SessionRecord.decode(k.value());
            if (r != null && !r.offline() && !alive.contains(r.owner())) {
                deadOwner.increment();
                LOG.debugf("node %s is not heard from: recording the session of %s offline", r.owner(), clientId);
                markOffline(clientId, r, r.owner());
            }
        }
    }

    @Override
    public void close() {
        fence.shutdownNow();
        replayer.close();
        reader.close();
    }
}
