package dev.tributary.edge.downlink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.kafka.PropertyHeaders;
import dev.tributary.common.topic.TopicLimits;
import dev.tributary.common.topic.Topics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Kafka → MQTT: every record on the downlink topic is published to this node's matching
 * subscribers (each node reads the whole topic in a consumer group of its own). The MQTT topic is
 * the {@code mqtt.topic} header or else the key; QoS and retain come from {@code mqtt.qos} and
 * {@code mqtt.retain} or the defaults. Offsets are committed only after a poll's records were
 * handed to the sessions, so a node that dies re-delivers rather than skips.
 */
public final class KafkaDownlink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaDownlink.class);

    /** What the downlink needs from configuration. */
    public record Settings(String topic, String groupId, int defaultQos, boolean defaultRetain) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Broker broker;
    private final Settings settings;
    private final Counter delivered;
    private final Counter invalid;
    private final Thread thread;
    private volatile boolean running = true;

    public KafkaDownlink(Map<String, Object> kafkaConfig, Settings settings, Broker broker, MeterRegistry registry) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-edge-downlink");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.broker = broker;
        this.settings = settings;
        this.delivered = Counter.builder("tributary.downlink.records").tag("outcome", "published")
                .description("downlink records published to MQTT subscribers").register(registry);
        this.invalid = Counter.builder("tributary.downlink.records").tag("outcome", "invalid")
                .description("downlink records without a valid MQTT topic or QoS").register(registry);
        this.thread = new Thread(this::run, "kafka-downlink");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()));
            while (running) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        publish(record);
                    }
                    consumer.commitSync();
                } catch (WakeupException stopping) {
                    throw stopping;
                } catch (KafkaException e) {
                    // Kafka down or a rebalance: the uncommitted records come again, which
                    // at-least-once delivery allows; the thread must outlive any outage
                    LOG.warnf("downlink: %s; retrying in a second", e.toString());
                    sleep(1_000);
                }
            }
        } catch (WakeupException stopping) {
            // close() woke us
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void publish(ConsumerRecord<byte[], byte[]> record) {
        String topic = header(record, MirrorHeaders.TOPIC);
        if (topic == null && record.key() != null) {
            topic = new String(record.key(), StandardCharsets.UTF_8);
        }
        String problem = topic == null ? "no mqtt.topic header and no key" : Topics.nameProblem(topic, TopicLimits.SPEC);
        String qosHeader = header(record, MirrorHeaders.QOS);
        int qos = qosHeader == null ? settings.defaultQos() : parseQos(qosHeader);
        if (problem == null && qos < 0) {
            problem = "mqtt.qos is not 0, 1 or 2: " + qosHeader;
        }
        if (problem != null) {
            invalid.increment();
            LOG.warnf("skipping downlink record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), problem);
            return;
        }
        String retainHeader = header(record, MirrorHeaders.RETAIN);
        boolean retain = retainHeader == null ? settings.defaultRetain() : Boolean.parseBoolean(retainHeader);
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        // headers named as the mirror names MQTT 5 properties (mqtt.user.<name>, mqtt.content_type, ...) become them
        broker.publishInternal(new Message(topic, payload, qos, retain, null, null, record.timestamp(),
                PropertyHeaders.read(record.headers())));
        delivered.increment();
    }

    private static int parseQos(String value) {
        return switch (value.trim()) {
            case "0" -> 0;
            case "1" -> 1;
            case "2" -> 2;
            default -> -1;
        };
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
