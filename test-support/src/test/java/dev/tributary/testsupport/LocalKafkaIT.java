package dev.tributary.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.tributary.kafkalocal.LocalKafka;

class LocalKafkaIT {

    @Test
    void sharedBroker_producesAndConsumesRecords() throws Exception {
        LocalKafka kafka = SharedKafka.get();
        produce(kafka, "roundtrip", 10);
        assertThat(consumeAll(kafka, "roundtrip", 10)).hasSize(10)
                .first().extracting(ConsumerRecord::value).isEqualTo("value-0");
    }

    @Test
    void stoppedAndRestartedBroker_keepsItsData() throws Exception {
        try (LocalKafka kafka = SharedKafka.newPrivateBroker()) {
            kafka.start();
            String servers = kafka.bootstrapServers();
            produce(kafka, "durable", 5);

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            try (var producer = producer(kafka, 2_000)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("durable", "k", "v")).get(5, TimeUnit.SECONDS))
                        .as("a stopped broker accepts nothing").isInstanceOf(Exception.class);
            }

            kafka.start();
            assertThat(kafka.bootstrapServers()).isEqualTo(servers);
            produce(kafka, "durable", 5);
            List<ConsumerRecord<String, String>> records = consumeAll(kafka, "durable", 10);
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactly("value-0", "value-1", "value-2", "value-3", "value-4",
                            "value-0", "value-1", "value-2", "value-3", "value-4");
        }
    }

    @Test
    void pausedBroker_answersNothingUntilResumed() throws Exception {
        try (LocalKafka kafka = SharedKafka.newPrivateBroker()) {
            kafka.start();
            try (var producer = producer(kafka, 60_000)) {
                // first record fetches the metadata, so the send below does not block on it
                producer.send(new ProducerRecord<>("paused", "k", "before")).get(30, TimeUnit.SECONDS);
                kafka.pause();
                var pending = producer.send(new ProducerRecord<>("paused", "k", "while-paused"));
                assertThatThrownBy(() -> pending.get(3, TimeUnit.SECONDS))
                        .isInstanceOf(java.util.concurrent.TimeoutException.class);
                kafka.resume();
                assertThat(pending.get(30, TimeUnit.SECONDS).offset()).isEqualTo(1);
            }
        }
    }

    private static void produce(LocalKafka kafka, String topic, int count) throws ExecutionException, InterruptedException {
        try (var producer = producer(kafka, 30_000)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key", "value-" + i)).get();
            }
        }
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka, int deliveryTimeoutMs) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(deliveryTimeoutMs, 30_000),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeoutMs),
                new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> consumeAll(LocalKafka kafka, String topic, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
