package dev.tributary.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.tributary.common.mirror.MirrorHeaders;

/**
 * Raw mirror records as the edge writes them (docs/kafka-records.md: key, MQTT payload, {@code mqtt.*}
 * headers, the receive time as timestamp), for tests and benchmarks of what reads the mirror without
 * running an edge; and every record of a topic read back, committed only or all.
 */
public final class RawMirror {

    private RawMirror() {
    }

    /** A record for a PUBLISH on {@code mqttTopic} by client {@code vehicle}, keyed by vehicle as rule 0 keys it. */
    public static ProducerRecord<byte[], byte[]> record(String kafkaTopic, String mqttTopic, String vehicle, byte[] payload,
            long receivedMillis) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MirrorHeaders.TOPIC, utf8(mqttTopic));
        headers.add(MirrorHeaders.QOS, utf8("1"));
        headers.add(MirrorHeaders.RETAIN, utf8("false"));
        headers.add(MirrorHeaders.CLIENT_ID, utf8(vehicle));
        headers.add(MirrorHeaders.USERNAME, utf8(vehicle));
        headers.add(MirrorHeaders.NODE, utf8("edge-1"));
        return new ProducerRecord<>(kafkaTopic, null, receivedMillis, utf8(vehicle), payload, headers);
    }

    /** A simulated vehicle's telemetry on {@code fleet/<vehicle>/telemetry}, with the fleet simulator's fields. */
    public static ProducerRecord<byte[], byte[]> telemetry(String kafkaTopic, String vehicle, long seq, long receivedMillis) {
        return record(kafkaTopic, "fleet/" + vehicle + "/telemetry", vehicle, utf8(telemetryJson(vehicle, seq, receivedMillis)),
                receivedMillis);
    }

    public static String telemetryJson(String vehicle, long seq, long ts) {
        return String.format(Locale.ROOT,
                "{\"vehicle\":\"%s\",\"seq\":%d,\"ts\":%d,\"lat\":%.6f,\"lon\":%.6f,\"speed\":%.1f,\"heading\":%.1f,"
                        + "\"fuel\":%.1f,\"engineTemp\":%.1f,\"battery\":%.2f}",
                vehicle, seq, ts, 52.52 + (seq % 100) * 1e-4, 13.40 + (seq % 50) * 1e-4, (seq % 120) * 1.0, (seq * 7 % 360) * 1.0,
                80.0, 90.5, 12.60);
    }

    /** An idempotent producer with acks=all, as the edge's. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Creates {@code topic} with {@code partitions} (replication 1) unless it exists. */
    public static void createTopic(String bootstrapServers, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every record of {@code topic} from the beginning to its end as of now: with {@code committedOnly}, what a
     * read_committed consumer sees (up to the last stable offset); else also records of open and aborted
     * transactions.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, boolean committedOnly) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
