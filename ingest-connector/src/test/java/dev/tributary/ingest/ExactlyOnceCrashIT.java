package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.RawMirror;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * Exactly once from raw to curated across crashes: the packaged connector is killed with SIGKILL
 * while it works through a backlog, each time while one of its transactions is open (three times),
 * and restarted each time. Afterwards every raw record
 * is in the curated or the dead-letter topic exactly once, as a read_committed consumer sees them.
 */
class ExactlyOnceCrashIT {

    private static final int RECORDS = 50_000;
    private static final String GROUP = "tributary-ingest";
    private static final int KILLS_INSIDE_TRANSACTIONS = 3;

    @Test
    void afterSigkillsMidBatch_curatedPlusDeadLettersEqualRaw_eachExactlyOnce() throws Exception {
        String bootstrap = SharedKafka.get().bootstrapServers();
        String run = "crash" + System.nanoTime();
        String raw = run + ".raw";
        String curated = run + ".curated";
        String dlq = run + ".dlq";
        RawMirror.createTopic(bootstrap, raw, 4);
        int invalid = ExactlyOnce.writeBacklog(bootstrap, raw, RECORDS);
        Map<String, String> settings = new HashMap<>(IngestProcess.telemetryRule(raw, curated, dlq));
        settings.put("tributary.ingest.group-id", GROUP + "-" + run);
        settings.put("tributary.ingest.instance-id", run);
        settings.put("tributary.ingest.max-poll-records", "200");
        settings.put("quarkus.log.category.\"dev.tributary.ingest.pipeline\".level", "DEBUG");
        Path work = Files.createDirectories(Path.of("target", run));
        try (IngestProcess connector = IngestProcess.start(ServiceProcess.root(), work, "ingest", bootstrap, settings,
                List.of("-Xmx256m")); Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            // kill while a transaction is visibly open (its records are in the curated log, above the last stable
            // offset), and count the kills that were: a kill between two transactions proves nothing
            int insideTransaction = 0;
            for (int step = 1; step <= 9 && insideTransaction < KILLS_INSIDE_TRANSACTIONS; step++) {
                ExactlyOnce.awaitCommitted(admin, GROUP + "-" + run, RECORDS * step / 10, connector);
                awaitOpenTransaction(admin, List.of(curated, dlq));
                connector.process().kill();
                connector.process().process().waitFor(30, TimeUnit.SECONDS);
                assertThat(ExactlyOnce.committed(admin, GROUP + "-" + run)).as("killed before the end").isLessThan(RECORDS);
                if (openTransaction(admin, List.of(curated, dlq))) {
                    insideTransaction++;
                }
                connector.process().restart();
            }
            assertThat(insideTransaction).as("kills that landed inside an open transaction")
                    .isEqualTo(KILLS_INSIDE_TRANSACTIONS);
            ExactlyOnce.awaitCommitted(admin, GROUP + "-" + run, RECORDS, connector);
        }

        ExactlyOnce.assertEachRawRecordOnce(bootstrap, raw, curated, dlq, RECORDS, invalid);
        // the kills did land inside transactions: their aborted output is in the log, invisible to read_committed
        int all = RawMirror.readAll(bootstrap, curated, false).size() + RawMirror.readAll(bootstrap, dlq, false).size();
        assertThat(all).as("records of aborted transactions in the log").isGreaterThan(RECORDS);
    }

    /** Waits (a little) for a transaction with records in one of {@code topics} to be open; gives up quietly. */
    private static void awaitOpenTransaction(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!openTransaction(admin, topics) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    /** True when some partition of {@code topics} holds records of a transaction not yet committed or aborted. */
    private static boolean openTransaction(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        var high = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        return latest.keySet().stream().anyMatch(tp -> stable.get(tp).offset() < high.get(tp).offset());
    }
}
