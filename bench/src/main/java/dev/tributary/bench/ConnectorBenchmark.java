package dev.tributary.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.RawMirror;

/**
 * The ingest-connector against a backlog of the raw mirror (docs/analytics.md), on one machine with a
 * real Kafka started here: {@code records} telemetry records of 1,000 simulated vehicles are written to
 * {@code tributary.fleet.raw} (3 partitions, as the edge creates it) the way the edge writes them,
 * stamped now (records stamped long ago would be deleted by the topic's retention before they are read);
 * then the packaged connector starts with its default rules and curates them. Timed from its readiness
 * until a read_committed reader has counted {@code records} curated records and dead letters (not their
 * end offsets: each transaction's commit marker takes an offset too); the connector's and Kafka's CPU
 * from /proc, the connector's JIT compiler's share apart.
 *
 * <pre>
 * ./tributary bench-connector [records]
 * </pre>
 */
public final class ConnectorBenchmark {

    private static final String KAFKA_HEAP = "1g";
    private static final String RAW = "tributary.fleet.raw";
    private static final String CURATED = "tributary.fleet.curated";
    private static final String DEAD_LETTERS = "tributary.fleet.dlq";
    private static final int RAW_PARTITIONS = 3;
    private static final int VEHICLES = 1_000;
    private static final Duration SAMPLE = Duration.ofMillis(100);
    private static final Duration GIVE_UP = Duration.ofMinutes(10);

    /** One look at the outputs: when, how many records are out (committed), the connector's and Kafka's CPU then. */
    private record Sample(long nanos, long out, ProcessCpu cpu, ProcessCpu kafka) {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 200_000;
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        HostSteal steal = HostSteal.now();
        try (WorkDir work = new WorkDir("tributary-connector-bench");
                LocalKafka kafka = new LocalKafka(work.resolve("kafka"), 0, 0, KAFKA_HEAP)) {
            kafka.start();
            String servers = kafka.bootstrapServers();
            System.out.println("Kafka at " + servers);
            RawMirror.createTopic(servers, RAW, RAW_PARTITIONS);
            long writeStart = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = RawMirror.producer(servers)) {
                for (int i = 0; i < records; i++) {
                    String vehicle = String.format("bench-%04d", i % VEHICLES);
                    producer.send(RawMirror.telemetry(RAW, vehicle, i / VEHICLES, System.currentTimeMillis()));
                }
                producer.flush();
            }
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            System.out.printf("%,d raw records written in %.1f s (%,.0f records/s)%n", records, writeSeconds, records / writeSeconds);

            try (IngestProcess connector = IngestProcess.start(root, work.directory("ingest"), "ingest", servers, Map.of(),
                    List.of());
                    OutputCounter counter = new OutputCounter(servers)) {
                long pid = connector.process().pid();
                OtherLoad others = OtherLoad.since(pid, kafka.pid());
                HostSteal runSteal = HostSteal.now();
                List<Sample> samples = new ArrayList<>();
                // what the connector had committed when it became ready, by its own count (the counter has not
                // fetched anything yet)
                long outAtReady = (long) (connector.metric("tributary_ingest_records_out_total")
                        + connector.metric("tributary_ingest_records_dead_total"));
                samples.add(new Sample(System.nanoTime(), outAtReady, ProcessCpu.of(pid), ProcessCpu.of(kafka.pid())));
                long deadline = System.nanoTime() + GIVE_UP.toNanos();
                while (samples.get(samples.size() - 1).out() < records) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + samples.get(samples.size() - 1).out() + " of " + records
                                + " records out after " + GIVE_UP.toMinutes() + " minutes; see the connector's log in " + work.path());
                    }
                    long out = counter.poll(SAMPLE);
                    samples.add(new Sample(System.nanoTime(), out, ProcessCpu.of(pid), ProcessCpu.of(kafka.pid())));
                }
                double otherLoad = others.percent();
                double runStealPercent = HostSteal.now().percentSince(runSteal);
                double transactions = connector.metric("tributary_ingest_transactions_total{outcome=\"committed\"");
                double aborted = connector.metric("tributary_ingest_transactions_total{outcome=\"aborted\"");

                Sample ready = samples.get(0);
                Sample done = samples.get(samples.size() - 1);
                // the second half apart: by then the connector's JIT compiler has done most of its work
                Sample half = samples.stream().filter(s -> s.out() >= records / 2).findFirst().orElseThrow();
                System.out.println();
                System.out.printf("records: %,d out of %,d (curated %,d, dead letters %,d); %,d already out when the connector"
                        + " was ready%n", done.out(), records, counter.curated(), counter.deadLetters(), ready.out());
                System.out.println(line("ready -> all out", ready, done));
                System.out.println(line("second half", half, done));
                System.out.printf("transactions: %,.0f committed (%,.0f records each on average), %,.0f aborted%n",
                        transactions, records / Math.max(1, transactions), aborted);
                System.out.printf("other load on the machine meanwhile: %.0f %% of its CPU; stolen by the host: %.0f %%%n",
                        otherLoad, runStealPercent);
            }
        }
        System.out.printf("CPU stolen by the host during the whole benchmark: %.0f %%%n", HostSteal.now().percentSince(steal));
    }

    private static String line(String name, Sample from, Sample to) {
        long n = to.out() - from.out();
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        return String.format("%-18s %,9d records in %6.1f s: %,8.0f records/s; connector CPU %.1f ms per 1,000 records"
                + " (+ %.1f ms JIT compiler), Kafka's %.1f ms", name, n, seconds, n / seconds,
                1e6 * to.cpu().workSecondsSince(from.cpu()) / n, 1e6 * to.cpu().jitSecondsSince(from.cpu()) / n,
                1e6 * (to.kafka().totalSeconds() - from.kafka().totalSeconds()) / n);
    }

    /**
     * Counts the records of the curated and the dead-letter topic as a read_committed reader sees them: no
     * record of an open or aborted transaction, no commit marker (which takes an offset of its own, so end
     * offsets overcount). Assigned every partition from the beginning, no group.
     */
    private static final class OutputCounter implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private long curated;
        private long deadLetters;

        OutputCounter(String servers) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.CLIENT_ID_CONFIG, "bench-output-counter"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            // the connector creates both topics before it is ready
            for (String topic : List.of(CURATED, DEAD_LETTERS)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Reads what is there (waiting up to {@code timeout} for something): the records counted so far. */
        long poll(Duration timeout) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                if (r.topic().equals(CURATED)) {
                    curated++;
                } else {
                    deadLetters++;
                }
            }
            return curated + deadLetters;
        }

        long curated() {
            return curated;
        }

        long deadLetters() {
            return deadLetters;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
