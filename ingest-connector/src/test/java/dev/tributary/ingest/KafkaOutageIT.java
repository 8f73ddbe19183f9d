package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Kafka goes away while the connector works through a backlog: the connector waits (readiness 503,
 * the process alive), and once Kafka is back it goes on from its committed offsets, so that every raw
 * record ends up curated or dead-lettered exactly once.
 */
class KafkaOutageIT {

    private static final int RECORDS = 30_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void whenKafkaStopsMidBacklog_connectorWaitsAndResumesFromCommittedOffsets_eachRecordOnce() throws Exception {
        String run = "outage" + System.nanoTime();
        String raw = run + ".raw";
        String curated = run + ".curated";
        String dlq = run + ".dlq";
        String group = "tributary-ingest-" + run;
        try (LocalKafka kafka = SharedKafka.newPrivateBroker()) {
            kafka.start();
            String bootstrap = kafka.bootstrapServers();
            RawMirror.createTopic(bootstrap, raw, 4);
            int invalid = ExactlyOnce.writeBacklog(bootstrap, raw, RECORDS);
            Map<String, String> settings = new HashMap<>(IngestProcess.telemetryRule(raw, curated, dlq));
            settings.put("tributary.ingest.group-id", group);
            settings.put("tributary.ingest.max-poll-records", "200");
            Path work = Files.createDirectories(Path.of("target", run));
            try (IngestProcess connector = IngestProcess.start(ServiceProcess.root(), work, "ingest", bootstrap, settings,
                    List.of("-Xmx256m"))) {
                long pid = connector.process().pid();
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    ExactlyOnce.awaitCommitted(admin, group, RECORDS / 5, connector);
                }
                kafka.stop();
                URI ready = URI.create("http://127.0.0.1:" + connector.httpPort() + "/q/health/ready");
                // 503 while a check is DOWN: Kafka's connection, or the loop's failed transaction
                await().atMost(Duration.ofSeconds(120)).until(() -> HTTP.send(HttpRequest.newBuilder(ready).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 503);
                kafka.start();
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    ExactlyOnce.awaitCommitted(admin, group, RECORDS, connector);
                }
                assertThat(connector.process().process().isAlive()).as("the connector outlived the outage").isTrue();
                assertThat(connector.process().pid()).as("the same process, not a restart").isEqualTo(pid);
            }
            ExactlyOnce.assertEachRawRecordOnce(bootstrap, raw, curated, dlq, RECORDS, invalid);
        }
    }
}
