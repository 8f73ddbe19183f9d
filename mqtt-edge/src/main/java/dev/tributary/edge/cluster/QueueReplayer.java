package dev.tributary.edge.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.session.QueuedMessage;
import dev.tributary.edge.session.Session;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Delivers the offline queue of sessions that came online on this node: reads the client's partition of the
 * queue topic from where its queue resumes and hands the client's records to the session as it has room (its
 * in-flight window and one window more), never the whole queue at once. At the end, the live messages held
 * behind the queue follow; the partition is still followed for a grace period, for messages that nodes which
 * had not yet seen the session come online queued meanwhile. A session handed over again before its queue was
 * delivered gets what remained unread copied behind what it owed ({@link Task#handOff}).
 *
 * <p>A few threads, each with its own consumer, take turns over the sessions: one step reads one batch for one
 * session, so a client that does not acknowledge holds no thread.
 */
final class QueueReplayer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QueueReplayer.class);

    /** One session's queue being delivered. */
    final class Task {
        final String clientId;
        final byte[] key;
        final Session session;
        final TopicPartition partition;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private long position;
        private volatile boolean claimed;
        private volatile boolean started;
        private boolean caughtUp;
        private long graceUntil;
        private volatile boolean finished;
        private volatile QueueHandOff copyTo;
        private volatile CompletableFuture<Void> copied;
        private long copyEnd = -1;

        Task(String clientId, Session session, int partition, long position) {
            this.clientId = clientId;
            this.key = clientId.getBytes(StandardCharsets.UTF_8);
            this.session = session;
            this.partition = new TopicPartition(topic, partition);
            this.position = position;
        }

        /** The session is recorded as held here: its replay may finish. */
        void claimed() {
            claimed = true;
            wake();
        }

        /** Its connection is attached: delivering may start. */
        void start() {
            started = true;
            wake();
        }

        /** The session is handed over: what was not read yet is copied to {@code to}; completes when copied. */
        CompletionStage<Void> handOff(QueueHandOff to) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            copied = done;
            copyTo = to;
            wake();
            return done;
        }

        void wake() {
            if ((!finished || copyTo != null) && scheduled.compareAndSet(false, true)) {
                ready.add(this);
            }
        }

        void wakeLater(long millis) {
            later.schedule(this::wake, millis, TimeUnit.MILLISECONDS);
        }
    }

    private final String topic;
    private final long graceMillis;
    private final long maxAgeMillis;
    private final Map<String, Object> kafkaConfig;
    private final LinkedBlockingQueue<Task> ready = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService later;
    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final Counter replayed;
    private final Counter tooOld;
    private final Counter unreadable;
    private final EdgeMetrics metrics;
    private volatile boolean running = true;

    QueueReplayer(Map<String, Object> kafkaConfig, String topic, Duration grace, Duration maxAge, int threadCount,
            MeterRegistry registry, EdgeMetrics metrics) {
        this.kafkaConfig = kafkaConfig;
        this.metrics = metrics;
        this.topic = topic;
        this.graceMillis = grace.toMillis();
        this.maxAgeMillis = maxAge.toMillis();
        this.later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sessions-queue-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.replayed = Counter.builder("tributary.sessions.queue.delivered")
                .description("messages of offline queues handed to sessions that came online here").register(registry);
        this.tooOld = Counter.builder("tributary.sessions.queue.expired")
                .description("queued messages older than tributary.edge.cluster.queue-max-age, skipped").register(registry);
        this.unreadable = Counter.builder("tributary.cluster.unreadable").tag("topic", "queue")
                .description("records of other nodes skipped as unreadable").register(registry);
        for (int i = 0; i < threadCount; i++) {
            Map<String, Object> config = new HashMap<>(kafkaConfig);
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-edge-queue-" + i);
            config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumers.add(consumer);
            Thread thread = new Thread(() -> run(consumer), "sessions-queue-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** A task for {@code session}, whose queue resumes at {@code position} of {@code partition} (-1: no queue). */
    Task task(String clientId, Session session, int partition, long position) {
        return new Task(clientId, session, Math.max(partition, 0), position);
    }

    private void run(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            while (running) {
                Task task = ready.poll(200, TimeUnit.MILLISECONDS);
                if (task == null) {
                    continue;
                }
                if (!task.lock.tryLock()) {
                    task.scheduled.set(false);
                    task.wakeLater(5); // another thread is on it
                    continue;
                }
                try {
                    task.scheduled.set(false);
                    long delay = step(consumer, task);
                    if (delay == 0) {
                        task.wake();
                    } else if (delay > 0) {
                        task.wakeLater(delay);
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warnf("reading the offline queue of %s failed, trying again: %s", task.clientId, e.toString());
                    task.wakeLater(500);
                } finally {
                    task.lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** One step of a task; returns when to run it again: 0 at once, a delay in ms, or -1 not until woken. */
    private long step(KafkaConsumer<byte[], byte[]> consumer, Task task) {
        if (task.finished && task.copyTo == null) {
            return -1;
        }
        if (task.copyTo != null) {
            return copyStep(consumer, task);
        }
        if (!task.started || task.finished) {
            return -1;
        }
        if (task.position < 0) {
            return catchUp(task, true);
        }
        consumer.assign(List.of(task.partition));
        consumer.seek(task.partition, task.position);
        List<ConsumerRecord<byte[], byte[]>> batch = consumer.poll(Duration.ofMillis(100)).records(task.partition);
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (record.offset() < task.position) {
                continue;
            }
            if (!Arrays.equals(record.key(), task.key) || QueueRecords.isMarker(record)) {
                task.position = record.offset() + 1;
                continue;
            }
            QueuedMessage message = QueueRecords.decode(record);
            if (message == null) {
                unreadable.increment();
                LOG.warnf("skipping an unreadable record at offset %d of %s", record.offset(), task.partition);
                task.position = record.offset() + 1;
                continue;
            }
            if (maxAgeMillis > 0 && now - record.timestamp() > maxAgeMillis) {
                tooOld.increment();
                metrics.limitExceeded("cluster.queue-max-age", "a queued message older than %d ms skipped for %s", maxAgeMillis,
                        task.clientId);
                task.position = record.offset() + 1;
                continue;
            }
            if (!task.session.replayRoom()) {
                return task.session.handedOff() ? -1 : 10; // the client has not acknowledged enough yet
            }
            if (!task.session.deliverQueued(message)) {
                return -1; // handed over meanwhile: the hand-off copies the rest
            }
            replayed.increment();
            task.position = record.offset() + 1;
        }
        if (!batch.isEmpty()) {
            return 0;
        }
        long end = consumer.endOffsets(List.of(task.partition), Duration.ofSeconds(5)).getOrDefault(task.partition, 0L);
        if (task.position < end) {
            return 0;
        }
        return catchUp(task, false);
    }

    /** At the end of the queue: the held live messages follow; then the grace period, then done. */
    private long catchUp(Task task, boolean noQueue) {
        if (!task.claimed) {
            return 20;
        }
        if (!task.caughtUp) {
            task.caughtUp = true;
            task.session.replayDone();
            task.graceUntil = System.currentTimeMillis() + (noQueue ? 0 : graceMillis);
        }
        if (System.currentTimeMillis() >= task.graceUntil) {
            task.finished = true;
            return -1;
        }
        return 200;
    }

    private long copyStep(KafkaConsumer<byte[], byte[]> consumer, Task task) {
        QueueHandOff to = task.copyTo;
        if (task.position < 0) {
            task.finished = true;
            task.copyTo = null;
            task.copied.complete(null);
            return -1;
        }
        if (task.copyEnd < 0) {
            task.copyEnd = consumer.endOffsets(List.of(task.partition), Duration.ofSeconds(5)).getOrDefault(task.partition, 0L);
        }
        if (task.position >= task.copyEnd) {
            task.finished = true;
            task.copyTo = null;
            task.copied.complete(null);
            return -1;
        }
        consumer.assign(List.of(task.partition));
        consumer.seek(task.partition, task.position);
        List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)).records(task.partition)) {
            if (record.offset() < task.position || record.offset() >= task.copyEnd) {
                continue;
            }
            task.position = record.offset() + 1;
            if (Arrays.equals(record.key(), task.key) && !QueueRecords.isMarker(record)) {
                copies.add(to.copyOf(record));
            }
        }
        to.sendCopies(copies);
        return 0;
    }

    @Override
    public void close() {
        running = false;
        later.shutdownNow();
        for (Thread thread : threads) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
