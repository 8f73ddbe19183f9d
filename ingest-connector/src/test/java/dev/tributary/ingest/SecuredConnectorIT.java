package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.ScramCredentials;
import dev.tributary.kafkalocal.ServiceAcls;
import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.KafkaRecords;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * The connector on a secured Kafka (SASL/SCRAM logins, ACLs enforced) with its own principal and the
 * least ACLs of {@link ServiceAcls#ingestConnector} (docs/security.md): it curates the raw backlog,
 * and that principal can write neither a topic outside its ACLs nor under another transactional id.
 */
class SecuredConnectorIT {

    private static final int RECORDS = 2_000;
    private static final String RAW = "tributary.fleet.raw";
    private static final String CURATED = "tributary.fleet.curated";
    private static final String DLQ = "tributary.fleet.dlq";
    private static final String GROUP = "tributary-ingest";

    @Test
    void withItsOwnPrincipalAndLeastAcls_connectorCuratesEachRecordOnce_andCannotWriteElsewhere() throws Exception {
        ScramCredentials ingest = ScramCredentials.generate("tributary-ingest");
        try (LocalKafka kafka = SharedKafka.newPrivateSecuredBroker()) {
            kafka.start();
            kafka.createUser(ingest);
            kafka.addAcls(ServiceAcls.ingestConnector(ingest.principal(), GROUP, List.of(RAW), List.of(CURATED, DLQ)));
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                admin.createTopics(List.of(new NewTopic(RAW, 3, (short) 1), new NewTopic("tributary.downlink", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            int invalid = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.adminConfig(), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < RECORDS; i++) {
                    if (i % 10 == 3) {
                        producer.send(RawMirror.record(RAW, "fleet/v" + (i % 20) + "/telemetry", "v" + (i % 20),
                                "not json".getBytes(StandardCharsets.UTF_8), now + i));
                        invalid++;
                    } else {
                        producer.send(RawMirror.telemetry(RAW, "v" + (i % 20), i, now + i));
                    }
                }
            }

            Map<String, String> settings = new HashMap<>(IngestProcess.telemetryRule(RAW, CURATED, DLQ));
            settings.put("tributary.ingest.group-id", GROUP);
            ingest.clientConfig().forEach((k, v) -> settings.put("kafka." + k, v.toString()));
            Path work = Files.createDirectories(Path.of("target", "secured" + System.nanoTime()));
            try (IngestProcess connector = IngestProcess.start(ServiceProcess.root(), work, "ingest", kafka.bootstrapServers(),
                    settings, List.of("-Xmx256m")); Admin admin = Admin.create(kafka.adminConfig())) {
                ExactlyOnce.awaitCommitted(admin, GROUP, RECORDS, connector);
            }
            Map<String, Object> committedReader = new HashMap<>(kafka.adminConfig());
            committedReader.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            assertThat(KafkaRecords.all(committedReader, CURATED)).hasSize(RECORDS - invalid);
            assertThat(KafkaRecords.all(committedReader, DLQ)).hasSize(invalid);

            // the same principal, outside its ACLs
            Map<String, Object> asIngest = kafka.clientConfig(ingest);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(asIngest, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("tributary.downlink", "x".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(RAW, "x".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS)).as("the raw topic is the edge's to write").isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            Map<String, Object> otherId = new HashMap<>(asIngest);
            otherId.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "someone-else");
            otherId.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(otherId, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                assertThatThrownBy(producer::initTransactions).isInstanceOf(KafkaException.class)
                        .satisfies(e -> assertThat(e instanceof TransactionalIdAuthorizationException
                                || e.getCause() instanceof TransactionalIdAuthorizationException).as(e.toString()).isTrue());
            }
        }
    }
}
