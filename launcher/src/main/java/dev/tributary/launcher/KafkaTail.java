package dev.tributary.launcher;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code ./tributary kafka-tail TOPIC [--from-beginning]}: prints a topic's records with key, headers and
 * value, so a user sees what the edge wrote without installing Kafka's own tools. Reads every partition
 * without a consumer group (nothing is committed). The cluster is KAFKA_BOOTSTRAP_SERVERS, or the
 * Kafka that {@code ./tributary up} starts on 127.0.0.1:9092; further KAFKA_* variables are client
 * settings, e.g. a secured cluster's login ({@link KafkaEnvironment}).
 */
public final class KafkaTail {

    /** Longer values are cut when printed: a tail is for reading, not for copying payloads. */
    private static final int MAX_VALUE_CHARS = 2000;

    private KafkaTail() {
    }

    public static void main(String[] args) {
        String topic = null;
        boolean fromBeginning = false;
        for (String arg : args) {
            if (arg.equals("--from-beginning")) {
                fromBeginning = true;
            } else if (arg.startsWith("-") || topic != null) {
                usage("unknown argument: " + arg);
            } else {
                topic = arg;
            }
        }
        if (topic == null) {
            usage("name a topic, e.g. tributary.fleet.raw");
        }
        tail(topic, fromBeginning);
    }

    private static void tail(String topic, boolean fromBeginning) {
        Properties config = new Properties();
        // the cluster and its login (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_JAAS_CONFIG, ...) as the services take them
        config.putAll(KafkaEnvironment.clientConfig(System.getenv()));
        config.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        String bootstrap = config.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(10));
            List<PartitionInfo> partitions = topics.get(topic);
            if (partitions == null) {
                System.err.println("kafka-tail: no topic " + topic + " on " + bootstrap + "; topics: "
                        + topics.keySet().stream().filter(t -> !t.startsWith("__")).sorted().toList());
                System.exit(1);
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            if (fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.wakeup();
                try {
                    main.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.err.println("kafka-tail: " + topic + " on " + bootstrap + ", " + assigned.size() + " partitions"
                    + (fromBeginning ? ", from the beginning" : ", new records") + " (Ctrl-C stops)");
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    print(record, System.out);
                }
            }
        } catch (WakeupException stopped) {
            // Ctrl-C
        } catch (org.apache.kafka.common.KafkaException e) {
            System.err.println("kafka-tail: cannot read from Kafka at " + bootstrap + ": " + e.getMessage());
            System.exit(1);
        }
    }

    static void print(ConsumerRecord<byte[], byte[]> record, PrintStream out) {
        StringBuilder line = new StringBuilder()
                .append(record.topic()).append('-').append(record.partition()).append('@').append(record.offset())
                .append(' ').append(Instant.ofEpochMilli(record.timestamp()))
                .append(" key=").append(record.key() == null ? "(none)" : text(record.key()));
        for (Header header : record.headers()) {
            line.append(' ').append(text(header.key().getBytes(StandardCharsets.UTF_8))).append('=').append(header.value() == null ? "" : text(header.value()));
        }
        line.append("\n  ").append(record.value() == null ? "(tombstone)" : text(record.value()));
        out.println(line);
    }

    /** UTF-8 text without control or format characters as is (cut when long), anything else as hex. */
    static String text(byte[] bytes) {
        String shown;
        try {
            shown = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            // control and format characters (C0, DEL, C1 such as CSI, bidi overrides) would drive the terminal
            if (shown.chars().anyMatch(c -> c != '\t' && (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT))) {
                shown = "0x" + HexFormat.of().formatHex(bytes);
            }
        } catch (CharacterCodingException binary) {
            shown = "0x" + HexFormat.of().formatHex(bytes);
        }
        return shown.length() > MAX_VALUE_CHARS ? shown.substring(0, MAX_VALUE_CHARS) + "… (" + bytes.length + " bytes)" : shown;
    }

    private static void usage(String problem) {
        System.err.println("kafka-tail: " + problem);
        System.err.println("usage: ./tributary kafka-tail TOPIC [--from-beginning]");
        System.exit(2);
    }
}
