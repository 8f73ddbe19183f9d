package dev.tributary.ingest.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

/**
 * The consume-transform-produce loop that makes raw → curated exactly once: one thread polls the raw
 * topics (read_committed), curates every record of the poll, and writes the curated records, the
 * dead letters and the consumed offsets in one Kafka transaction. Either all of a batch's output and
 * its offsets become visible, or none does and the batch is read again.
 *
 * <p>Polling, producing and committing share this one thread, so a rebalance (which runs inside
 * {@code poll}) never happens while a transaction is open, and the offsets go with the group metadata
 * of the poll that returned the records (KIP-447): a process that lost its partitions cannot commit
 * them. After any failure the producer is closed and made again with the same transactional id, whose
 * {@code initTransactions} aborts what was open, and the consumer goes back to the committed offsets.
 */
public final class TransactionalLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(TransactionalLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE = Duration.ofSeconds(5);

    /** What the loop needs besides the rules. */
    public record Settings(Map<String, Object> kafka, String groupId, String transactionalId, int maxPollRecords,
            Duration transactionTimeout, Duration sessionTimeout, Duration retryBackoff, Collection<String> sourceTopics) {
    }

    private final Settings settings;
    private final Curator curator;
    private final IngestMetrics metrics;
    private final LoopWatch watch;
    private final Runnable beforeFirstPoll;
    private volatile boolean stopping;
    private volatile boolean ready;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param beforeFirstPoll run on the loop's thread before anything else (retried until it succeeds),
     *        e.g. creating the topics, so that an unreachable Kafka delays the loop instead of the start
     */
    public TransactionalLoop(Settings settings, Curator curator, IngestMetrics metrics, LoopWatch watch,
            Runnable beforeFirstPoll) {
        this.settings = settings;
        this.curator = curator;
        this.metrics = metrics;
        this.watch = watch;
        this.beforeFirstPoll = beforeFirstPoll;
    }

    /** True while the producer is initialized and the last transaction did not fail. */
    public boolean ready() {
        return ready;
    }

    /** Ends the loop after the batch in hand (its transaction is committed); returns at once. */
    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        for (int attempt = 0; !stopping; attempt++) {
            try {
                watch.step("checking the raw topics and creating the curated ones");
                beforeFirstPoll.run();
                break;
            } catch (RuntimeException e) {
                if (attempt % 30 == 0) {
                    LOG.warnf("ingest: not started yet: %s; retrying", e.getMessage());
                }
                backOff();
            }
        }
        if (stopping) {
            return;
        }
        KafkaProducer<byte[], byte[]> producer = null;
        boolean rewind = false;
        long emptyPolls = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig())) {
            consumer = c;
            if (stopping) {
                return;
            }
            c.subscribe(settings.sourceTopics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        LOG.infof("ingest: partitions revoked: %s", partitions);
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.infof("ingest: partitions assigned: %s (now reading %s)", partitions, c.assignment());
                }
            });
            while (!stopping) {
                List<Curator.Outcome> outcomes = new ArrayList<>();
                boolean begun = false;
                try {
                    if (producer == null) {
                        watch.step("initializing the transactional producer " + settings.transactionalId()
                                + " (it first aborts a transaction a previous instance of that id left open)");
                        producer = new KafkaProducer<>(producerConfig());
                        // aborts a transaction the previous producer of this id left open (a crash); bounded by
                        // max.block.ms, then it throws and is retried below
                        producer.initTransactions();
                        LOG.infof("ingest: producer %s initialized in %d ms", settings.transactionalId(),
                                watch.elapsed().toMillis());
                        rewind = true;
                    }
                    if (rewind) {
                        watch.step("going back to the committed offsets");
                        rewind(c);
                        rewind = false;
                    }
                    ready = true;
                    watch.step("polling the raw topics");
                    ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                    updateLag(c);
                    if (records.isEmpty()) {
                        // every ~5 s of nothing: the positions, to tell "all read" from "waiting" (DEBUG only)
                        if (++emptyPolls % 25 == 0 && LOG.isDebugEnabled()) {
                            describePositions(c);
                        }
                        continue;
                    }
                    emptyPolls = 0;
                    LOG.debugf("ingest: polled %d records of %s", records.count(), records.partitions());
                    long start = System.nanoTime();
                    watch.step("writing a batch of " + records.count() + " records in a transaction");
                    producer.beginTransaction();
                    begun = true;
                    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        Curator.Outcome outcome = curator.curate(record);
                        producer.send(outcome.record());
                        outcomes.add(outcome);
                        next.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                    }
                    producer.sendOffsetsToTransaction(next, c.groupMetadata());
                    watch.step("committing a transaction of " + records.count() + " records");
                    producer.commitTransaction();
                    LOG.debugf("ingest: committed %d records, offsets %s", outcomes.size(), next);
                    metrics.committed(outcomes, Duration.ofNanos(System.nanoTime() - start));
                } catch (WakeupException | InterruptException e) {
                    if (!stopping) {
                        LOG.warn("ingest: woken up without a stop; going on");
                    }
                } catch (RuntimeException e) {
                    // every failure is handled alike: nothing of the batch is visible, so start over from the
                    // committed offsets with a fresh producer (its initTransactions aborts the open transaction)
                    ready = false;
                    if (begun) {
                        metrics.aborted();
                    }
                    if (e instanceof ProducerFencedException) {
                        LOG.errorf("ingest: another process uses the transactional id %s (tributary.ingest.instance-id must be"
                                + " unique per process): %s", settings.transactionalId(), e.getMessage());
                    } else {
                        LOG.warnf("ingest: batch of %d records not written (%s); reading it again from the committed offsets",
                                outcomes.size(), e.toString());
                    }
                    watch.step("closing the failed producer");
                    closeQuietly(producer);
                    producer = null;
                    watch.step("waiting tributary.ingest.retry-backoff before retrying");
                    backOff();
                }
            }
        } finally {
            ready = false;
            watch.step(stopping ? "stopped" : "ended");
            closeQuietly(producer);
        }
    }

    /** Back to the committed offsets of every assigned partition (the beginning where none is committed). */
    private static void rewind(KafkaConsumer<byte[], byte[]> c) {
        Set<TopicPartition> assigned = c.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(assigned);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset == null) {
                none.add(tp);
            } else {
                c.seek(tp, offset);
            }
        }
        if (!none.isEmpty()) {
            c.seekToBeginning(none);
        }
        LOG.debugf("ingest: back to the committed offsets %s (beginning of %s)", committed, none);
    }

    /** For a loop that polls nothing: where each assigned partition stands (a position not known yet is named). */
    private static void describePositions(KafkaConsumer<byte[], byte[]> c) {
        StringBuilder sb = new StringBuilder();
        for (TopicPartition tp : c.assignment()) {
            String position;
            try {
                position = Long.toString(c.position(tp, Duration.ofMillis(100)));
            } catch (RuntimeException e) {
                position = e.getClass().getSimpleName();
            }
            sb.append(tp).append(" at ").append(position).append(" lag ").append(c.currentLag(tp))
                    .append(c.paused().contains(tp) ? " paused" : "").append("; ");
        }
        LOG.debugf("ingest: nothing polled; assigned %s", sb);
    }

    private void updateLag(KafkaConsumer<byte[], byte[]> c) {
        Map<String, Long> byTopic = new HashMap<>();
        for (String topic : settings.sourceTopics()) {
            byTopic.put(topic, 0L);
        }
        for (TopicPartition tp : c.assignment()) {
            OptionalLong lag = c.currentLag(tp);
            if (lag.isPresent()) {
                byTopic.merge(tp.topic(), lag.getAsLong(), Long::sum);
            }
        }
        byTopic.forEach(metrics::lag);
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(settings.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-consumer");
        // static membership: a process restarted after a crash (same instance id) takes its partitions back at
        // once, instead of joining as a new member and waiting for the dead one's session to time out
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.transactionalId());
        // the partitions of a crashed process that does not come back move on after this long (Kafka's default
        // is 45 s); a static member's stop does not leave the group either, so this also bounds a scale-down
        int session = (int) settings.sessionTimeout().toMillis();
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, session / 3));
        // only what committed transactions wrote (the edge's records, and nothing an aborted batch left)
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // offsets are committed in the transaction, never on their own
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        // the raw topics are the edge's to create, with its partitions
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(settings.kafka());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
        // a dead letter carries the raw record whole
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Curator.MAX_DEAD_LETTER_BYTES);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a batch that Kafka does not take within this fails its transaction, which is then aborted and retried,
        // instead of holding the loop for the client's defaults (2 minutes)
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    private void backOff() {
        try {
            Thread.sleep(settings.retryBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private static void closeQuietly(KafkaProducer<byte[], byte[]> producer) {
        if (producer != null) {
            try {
                producer.close(CLOSE);
            } catch (RuntimeException e) {
                LOG.debugf("ingest: closing the producer: %s", e);
            }
        }
    }
}
