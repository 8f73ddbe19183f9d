package dev.tributary.edge.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every partition of a compacted topic from its beginning, then follows it, handing each record to its
 * {@link Listener} on its own thread: the way an edge keeps a full copy of state kept in Kafka (the auth
 * topic, and what the edges share). Loaded once it has read up to the end offsets it found at start; a
 * consumer with no group (nothing to commit). A record the listener cannot read is skipped: the listener
 * logs and counts it.
 */
public final class CompactedTopicReader implements AutoCloseable {

    /** What the reader tells, all on its own thread. */
    public interface Listener {

        void apply(ConsumerRecord<byte[], byte[]> record);

        /** After the records of one poll were applied, e.g. to publish a new snapshot once per batch. */
        default void afterBatch() {
        }

        /** Once, when the records present at start have been applied; before {@link #loaded()} turns true. */
        default void loaded() {
        }

        /** Reading stopped on an error: what was read is no longer followed. */
        default void stopped() {
        }
    }

    private static final Logger LOG = Logger.getLogger(CompactedTopicReader.class);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean loaded;
    private volatile boolean running = true;

    public CompactedTopicReader(Map<String, Object> kafkaConfig, String topic, String clientId, Listener listener) {
        this.topic = topic;
        this.listener = listener;
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean loaded() {
        return loaded;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> end = endOffsets();
            if (end == null) {
                return;
            }
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            long started = System.nanoTime();
            long records = 0;
            while (running) {
                if (!loaded && caughtUp(end)) {
                    listener.loaded();
                    loaded = true;
                    LOG.infof("read %s: %d records in %d ms", topic, records, (System.nanoTime() - started) / 1_000_000);
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    listener.apply(record);
                    records++;
                }
                if (!batch.isEmpty()) {
                    listener.afterBatch();
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "reading %s stopped: CONNECTs are refused from now on", topic);
            loaded = false;
            listener.stopped();
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The end offsets at start, waiting (with one warning) while Kafka or the topic is not there; null when closed. */
    private Map<TopicPartition, Long> endOffsets() {
        boolean warned = false;
        while (running) {
            try {
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                if (partitions != null && !partitions.isEmpty()) {
                    List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                    return consumer.endOffsets(all, Duration.ofSeconds(2));
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // Kafka not reachable yet: keep trying, CONNECT is answered 3 meanwhile
            }
            if (!warned) {
                LOG.warnf("%s is not readable yet: CONNECTs are refused as 'server unavailable' until it is", topic);
                warned = true;
            }
        }
        return null;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
