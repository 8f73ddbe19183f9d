package dev.tributary.edge.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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
 * Reads every partition of a compacted topic from its beginning, then follows it, handing each record to
 * {@code apply} on its own thread: the way every edge keeps a full copy of state the edges share. Loaded
 * once it has read up to the end offsets it found at start; a consumer with no group (nothing to commit).
 * A record {@code apply} cannot read is skipped: {@code apply} logs and counts it.
 */
final class CompactedTopicReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicReader.class);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<ConsumerRecord<byte[], byte[]>> apply;
    private final Runnable onLoaded;
    private final Thread thread;
    private volatile boolean loaded;
    private volatile boolean running = true;

    /**
     * @param onLoaded  run on the reader's thread once, after the records present at start were applied
     *                  and before {@link #loaded()} turns true
     */
    CompactedTopicReader(Map<String, Object> kafkaConfig, String topic, String clientId,
            Consumer<ConsumerRecord<byte[], byte[]>> apply, Runnable onLoaded) {
        this.topic = topic;
        this.apply = apply;
        this.onLoaded = onLoaded;
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean loaded() {
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
                    onLoaded.run();
                    loaded = true;
                    LOG.infof("read %s: %d records in %d ms", topic, records, (System.nanoTime() - started) / 1_000_000);
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    apply.accept(record);
                    records++;
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "reading %s stopped: CONNECTs are refused from now on", topic);
            loaded = false;
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
