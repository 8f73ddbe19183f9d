package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/** Two connector processes form one consumer group: they split the raw partitions and both curate. */
class ConsumerGroupIT {

    private static final int RECORDS = 4_000;

    @Test
    void twoProcessesShareThePartitions_andTogetherCurateEachRecordOnce() throws Exception {
        String bootstrap = SharedKafka.get().bootstrapServers();
        String run = "group" + System.nanoTime();
        String raw = run + ".raw";
        String curated = run + ".curated";
        String group = "tributary-ingest-" + run;
        RawMirror.createTopic(bootstrap, raw, 4);
        Map<String, String> settings = new HashMap<>(IngestProcess.telemetryRule(raw, curated, run + ".dlq"));
        settings.put("tributary.ingest.group-id", group);
        Path work = Files.createDirectories(Path.of("target", run));
        // no instance id given: each defaults to <host>-<HTTP port>, different on one host
        try (IngestProcess a = IngestProcess.start(ServiceProcess.root(), work, "ingest-a", bootstrap, settings, List.of("-Xmx256m"));
                IngestProcess b = IngestProcess.start(ServiceProcess.root(), work, "ingest-b", bootstrap, settings, List.of("-Xmx256m"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
                return d.members().size() == 2 && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            });
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
            Set<TopicPartition> assigned = new HashSet<>();
            for (MemberDescription m : d.members()) {
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    assertThat(assigned.add(tp)).as(tp + " assigned twice").isTrue();
                }
            }
            assertThat(assigned).hasSize(4);

            // receive times as the edge stamps them: records stamped long ago are deleted by the broker's time-based
            // retention (7 days) at its next check, under the running connectors
            long receivedAt = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> producer = RawMirror.producer(bootstrap)) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(RawMirror.telemetry(raw, "v" + (i % 40), i, receivedAt + i));
                }
            }
            String series = "tributary_ingest_records_out_total{rule=\"fleet-telemetry\"";
            await().atMost(Duration.ofSeconds(120)).until(() -> a.metric(series) + b.metric(series) >= RECORDS);
            assertThat(a.metric(series)).as("process a curated some").isPositive();
            assertThat(b.metric(series)).as("process b curated some").isPositive();
            assertThat(a.metric(series) + b.metric(series)).isEqualTo(RECORDS);
        }
        assertThat(RawMirror.readAll(bootstrap, curated, true)).hasSize(RECORDS);
    }
}
