package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.Processes;
import dev.tributary.kafkalocal.ScramCredentials;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/** {@code ./tributary kafka-tail} on a secured cluster: it logs in with the KAFKA_* variables the services take. */
class KafkaTailIT {

    private static final String TOPIC = "tail-me";
    private static LocalKafka kafka;
    private static ScramCredentials reader;

    @BeforeAll
    static void start() throws Exception {
        kafka = SharedKafka.newPrivateSecuredBroker();
        kafka.start();
        reader = ScramCredentials.generate("tail-reader");
        kafka.createUser(reader);
        kafka.addAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL),
                new AccessControlEntry(reader.principal(), "*", AclOperation.READ, AclPermissionType.ALLOW))));
        try (var producer = new KafkaProducer<>(kafka.adminConfig(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "v1", "{\"speed\":3}")).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void withTheLoginInTheEnvironment_itPrintsTheTopicsRecords(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("tail.out");
        Process tail = kafkaTail(reader.environment(), output);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(output).contains("key=v1"));
            assertThat(Files.readString(output)).contains(TOPIC + "-0@0 ").contains("{\"speed\":3}");
        } finally {
            Processes.stop(tail, Duration.ofSeconds(10));
        }
    }

    @Test
    void withoutALogin_itSaysItCannotRead_andExits(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("tail.out");
        Process tail = kafkaTail(Map.of(), output);
        try {
            assertThat(tail.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(tail.exitValue()).isEqualTo(1);
            assertThat(Files.readString(output)).contains("kafka-tail: cannot read from Kafka at " + kafka.bootstrapServers())
                    .doesNotContain("key=v1");
        } finally {
            Processes.stop(tail, Duration.ofSeconds(10));
        }
    }

    private static Process kafkaTail(Map<String, String> login, Path output) throws Exception {
        ProcessBuilder command = ServiceProcess.javaMain(ServiceProcess.root(), "launcher", List.of(),
                "dev.tributary.launcher.KafkaTail", List.of(TOPIC, "--from-beginning"));
        command.environment().keySet().removeIf(name -> name.startsWith("KAFKA_"));
        command.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        command.environment().putAll(login);
        return command.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
