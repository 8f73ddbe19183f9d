package dev.tributary.dashboard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.SharedKafka;

/**
 * The history reader against a real broker: a topic of 3 partitions keyed by vehicle, with records of two
 * vehicles at timestamps one second apart ending now, as the curated topic holds them.
 */
class TopicHistoryTest {

    private static final int PER_VEHICLE = 200;
    private static final String TOPIC = "history-test-" + UUID.randomUUID().toString().substring(0, 8);
    private static final long NOW = System.currentTimeMillis();
    private static Map<String, Object> kafka;

    @BeforeAll
    static void fill() throws Exception {
        kafka = Map.of("bootstrap.servers", SharedKafka.get().bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < PER_VEHICLE; i++) {
                long ts = NOW - (PER_VEHICLE - 1 - i) * 1000L;
                for (String vehicle : new String[] {"a1", "b2"}) {
                    producer.send(new ProducerRecord<>(TOPIC, null, ts, vehicle, value(vehicle, i)));
                }
            }
            producer.flush();
        }
    }

    /** 100 bytes exactly, so byte bounds are easy to reason about. */
    private static byte[] value(String vehicle, int seq) {
        String text = String.format("{\"vehicle\":\"%s\",\"seq\":%05d}", vehicle, seq);
        return (text + " ".repeat(100 - text.length())).getBytes(StandardCharsets.UTF_8);
    }

    private static int seq(TopicHistory.Entry entry) {
        String text = new String(entry.value(), StandardCharsets.UTF_8);
        return Integer.parseInt(text.replaceAll(".*\"seq\":(\\d+).*", "$1").trim());
    }

    private static TopicHistory reader(int maxRecords, long maxBytes) {
        return new TopicHistory(kafka, maxRecords, maxBytes, Duration.ofSeconds(20));
    }

    @Test
    void readsOnlyTheVehiclesRecords_fromTheRequestedTimeOn_oldestFirst() {
        TopicHistory.Answer answer = reader(1000, 1 << 20).read(TOPIC, "a1", NOW - 49_500, e -> true);
        // timestamps NOW-49s .. NOW: 50 records
        assertThat(answer.entries()).hasSize(50);
        assertThat(answer.truncated()).isFalse();
        assertThat(answer.entries()).allSatisfy(e -> assertThat(new String(e.value(), StandardCharsets.UTF_8)).contains("\"a1\""));
        assertThat(answer.entries().stream().map(TopicHistoryTest::seq).toList())
                .isSortedAccordingTo(Integer::compare).startsWith(150).endsWith(199);
    }

    @Test
    void atMostMaxRecords_theLatestKept_andTheAnswerSaysItWasCut() {
        TopicHistory.Answer answer = reader(10, 1 << 20).read(TOPIC, "b2", NOW - 120_000, e -> true);
        assertThat(answer.entries()).hasSize(10);
        assertThat(answer.truncated()).isTrue();
        assertThat(answer.entries().stream().map(TopicHistoryTest::seq).toList())
                .containsExactly(190, 191, 192, 193, 194, 195, 196, 197, 198, 199);
    }

    @Test
    void atMostMaxBytesOfValues_theLatestKept() {
        TopicHistory.Answer answer = reader(1000, 750).read(TOPIC, "a1", NOW - 120_000, e -> true);
        assertThat(answer.entries()).hasSize(7);
        assertThat(answer.entries().stream().mapToInt(e -> e.value().length).sum()).isLessThanOrEqualTo(750);
        assertThat(answer.truncated()).isTrue();
        assertThat(seq(answer.entries().get(6))).isEqualTo(199);
    }

    @Test
    void theFilterDecidesWhatCountsAgainstTheBounds() {
        TopicHistory.Answer answer = reader(5, 1 << 20).read(TOPIC, "a1", NOW - 120_000, e -> seq(e) % 2 == 0);
        assertThat(answer.entries().stream().map(TopicHistoryTest::seq).toList()).containsExactly(190, 192, 194, 196, 198);
    }

    @Test
    void aWindowAfterTheLastRecord_orAnUnknownVehicle_isEmpty() {
        assertThat(reader(100, 1 << 20).read(TOPIC, "a1", NOW + 60_000, e -> true).entries()).isEmpty();
        assertThat(reader(100, 1 << 20).read(TOPIC, "zz", NOW - 120_000, e -> true).entries()).isEmpty();
    }
}
