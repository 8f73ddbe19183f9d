package dev.tributary.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.ScramCredentials;
import dev.tributary.kafkalocal.ServiceAcls;
import dev.tributary.testsupport.KafkaRecords;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;
import dev.tributary.testsupport.StatsProcess;

/**
 * The stats application on a secured Kafka (SASL/SCRAM logins, ACLs enforced) with its own principal
 * and the least ACLs of {@link ServiceAcls#fleetStats} (docs/security.md): exactly-once Kafka Streams
 * with its internal topics works, and the principal cannot write the curated topic it reads.
 */
class SecuredStatsIT {

    private static final String CURATED = "tributary.fleet.curated";
    private static final String STATS = "tributary.fleet.stats";
    private static final String APPLICATION = "tributary-fleet-stats";

    @Test
    void withItsOwnPrincipalAndLeastAcls_statsAreWritten_andTheCuratedTopicStaysReadOnly() throws Exception {
        ScramCredentials user = ScramCredentials.generate("tributary-stats");
        try (LocalKafka kafka = SharedKafka.newPrivateSecuredBroker()) {
            kafka.start();
            kafka.createUser(user);
            kafka.addAcls(ServiceAcls.fleetStats(user.principal(), APPLICATION, CURATED, STATS));
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                admin.createTopics(List.of(new NewTopic(CURATED, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, String> settings = new HashMap<>();
            user.clientConfig().forEach((k, v) -> settings.put("kafka." + k, v.toString()));
            Path work = Files.createDirectories(Path.of("target", "secured" + System.nanoTime()));
            long t0 = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
            try (StatsProcess app = StatsProcess.start(ServiceProcess.root(), work, "fleet-stats", kafka.bootstrapServers(),
                    settings, List.of("-Xmx256m")); KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.adminConfig(),
                            new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(CuratedRecords.telemetry(CURATED, "v1", t0 + 1_000, 0, 0, 20));
                producer.send(CuratedRecords.telemetry(CURATED, "v1", t0 + 31_000, 0, 0.001, 40));
                producer.send(CuratedRecords.telemetry(CURATED, "v1", t0 + 71_000, 0, 0.001, 0)); // closes minute 0
                producer.flush();

                Map<String, Object> committedReader = new HashMap<>(kafka.adminConfig());
                committedReader.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
                List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    out.clear();
                    out.addAll(KafkaRecords.all(committedReader, STATS));
                    return !out.isEmpty();
                });
                VehicleStats s = CuratedRecords.find(out, "v1", t0);
                assertThat(s.count()).isEqualTo(2);
                assertThat(s.speedAvg()).isEqualTo(30.0);
            }

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(user), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(CURATED, "x".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS)).as("the curated topic is the connector's to write")
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }
}
