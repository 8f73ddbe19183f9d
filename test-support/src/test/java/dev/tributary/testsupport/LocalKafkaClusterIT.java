package dev.tributary.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.LocalKafkaCluster;

/** Three LocalKafka nodes in one KRaft quorum: every topic on three brokers, one of which may fail. */
class LocalKafkaClusterIT {

    private static final String TOPIC = "replicated";

    @Test
    void threeBrokers_replicateEveryTopicThreeTimes_andAcceptAndServeWritesWithAcksAllAfterTheLeaderIsKilled() throws Exception {
        try (LocalKafkaCluster cluster = LocalKafkaCluster.onFreePorts(SharedKafka.newDataDir("kafka-cluster"), 3, "384m")) {
            cluster.start();
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
                // no replication factor asked: the brokers' default decides
                admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
                TopicPartitionInfo partition = describe(admin, TOPIC).partitions().get(0);
                assertThat(partition.replicas()).as("default.replication.factor").hasSize(3);
                assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC)))
                        .all().get(30, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value())
                        .isEqualTo("2");

                List<String> read = new ArrayList<>();
                try (var producer = producer(cluster); var consumer = consumer(cluster)) {
                    for (int i = 0; i < 20; i++) {
                        producer.send(new ProducerRecord<>(TOPIC, "k", "before-" + i)).get(30, TimeUnit.SECONDS);
                    }
                    // the consumer group's offsets topic is created now, while every broker is there to hold a replica
                    consumer.subscribe(List.of(TOPIC));
                    readUntil(consumer, read, 20);
                    consumer.commitSync();
                    assertThat(describe(admin, "__consumer_offsets").partitions())
                            .allSatisfy(p -> assertThat(p.replicas()).as("offsets.topic.replication.factor").hasSize(3));

                    LocalKafka leader = cluster.broker(partition.leader().id());
                    leader.kill();
                    assertThat(leader.isRunning()).isFalse();

                    for (int i = 0; i < 20; i++) {
                        producer.send(new ProducerRecord<>(TOPIC, "k", "after-" + i)).get(60, TimeUnit.SECONDS);
                    }
                    readUntil(consumer, read, 40);
                    consumer.commitSync();
                }
                List<String> expected = new ArrayList<>();
                for (String phase : List.of("before-", "after-")) {
                    for (int i = 0; i < 20; i++) {
                        expected.add(phase + i);
                    }
                }
                assertThat(read).as("every acknowledged record, once, in order").containsExactlyElementsOf(expected);
                TopicPartitionInfo after = describe(admin, TOPIC).partitions().get(0);
                assertThat(after.leader().id()).as("a surviving broker leads").isNotEqualTo(partition.leader().id());
                assertThat(after.isr()).as("the two survivors are in sync").hasSize(2);
            }
            cluster.stop();
            assertThat(cluster.brokers()).noneMatch(LocalKafka::isRunning);
        }
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    private static void readUntil(KafkaConsumer<String, String> consumer, List<String> read, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (read.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
        }
    }

    private static KafkaProducer<String, String> producer(LocalKafkaCluster cluster) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(LocalKafkaCluster cluster) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }
}
