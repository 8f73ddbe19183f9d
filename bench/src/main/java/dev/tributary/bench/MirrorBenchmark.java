package dev.tributary.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.kafkalocal.LocalKafka;

/**
 * The Kafka mirror benchmark of issue 4, on one machine with a real Kafka broker started here:
 * the price of the guarantee (QoS 1 acknowledged msgs/s, mirror on against off), the edge's CPU per
 * million records against a plain kafka-clients producer sending the same records, and PUBACK
 * latency at a fixed rate with acks=all.
 *
 * <pre>
 * ./tributary bench-mirror [seconds-per-load] [latency]
 * </pre>
 */
public final class MirrorBenchmark {

    private static final int PUBLISHERS = 50;
    private static final int WINDOW = 16;
    private static final int PAYLOAD = 64;
    private static final int LATENCY_WARM_UP_SECONDS = 5;
    private static final int ROUNDS = 3;
    /** The heap Kafka's own start script gives a broker (KAFKA_HEAP_OPTS). */
    private static final String KAFKA_HEAP = "1g";
    /** As the JVM reads it from JAVA_TOOL_OPTIONS, which drops the quotes Quarkus' map keys take elsewhere. */
    private static final String EDGE_LINGER_PROPERTY = "tributary.edge.mirror.producer.linger.ms";

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 15);
        Duration warmUp = Duration.ofSeconds(Math.max(30, duration.toSeconds()));
        // "latency" times PUBACKs only (after the warm-up load), for trying producer settings quickly
        boolean latencyOnly = args.length > 1 && args[1].equals("latency");
        HostSteal start = HostSteal.now();
        try (WorkDir work = new WorkDir("tributary-mirror-bench");
                LocalKafka kafka = new LocalKafka(work.resolve("kafka"), 0, 0, KAFKA_HEAP)) {
            kafka.start();
            System.out.println("Kafka at " + kafka.bootstrapServers());
            try (BrokerProcess on = BrokerProcess.tributary(root, work.directory("mirror-on"), kafka.bootstrapServers())) {
                // on 2 shared cores the JIT compiler is still busy 20 s into the load (a third of the
                // edge's CPU then): start-up cost, not a cost per record, so it is left out
                load(on, warmUp);
                if (latencyOnly) {
                    System.out.println();
                    System.out.println(pubackLatencyLine(on, duration));
                    return;
                }
                List<String> lines = new ArrayList<>();
                List<Load> onRounds = new ArrayList<>();
                List<Load> offRounds = new ArrayList<>();
                // both edges run side by side and take turns, so that the ratio compares them under the
                // same conditions: one load after the other, minutes apart, compared this shared
                // machine's speed as much as the mirror (the mirror-off figure alone moved by 25 %)
                try (BrokerProcess off = BrokerProcess.tributary(root, work.directory("mirror-off"), null)) {
                    load(off, warmUp);
                    // Kafka warms up too: after the first 30 s, the first mirror-on round still ran
                    // 30-40 % below the later ones in two runs (69,500 then 101,000 and 113,000 msg/s),
                    // so the mirror-on edge, and Kafka with it, gets a second warm-up right before
                    // the rounds
                    load(on, warmUp);
                    for (int round = 0; round < ROUNDS; round++) {
                        // which goes first alternates, so a drift in the machine's speed favours neither
                        if (round % 2 == 0) {
                            offRounds.add(load(off, duration));
                            onRounds.add(load(on, duration, kafka.pid()));
                        } else {
                            onRounds.add(load(on, duration, kafka.pid()));
                            offRounds.add(load(off, duration));
                        }
                    }
                }
                double[] ratios = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    ratios[round] = onRounds.get(round).rate() / offRounds.get(round).rate();
                    lines.add(String.format("round %d: QoS 1 acknowledged, mirror off %8.0f msg/s, on %8.0f msg/s  (%.0f%%)",
                            round + 1, offRounds.get(round).rate(), onRounds.get(round).rate(), 100 * ratios[round]));
                }
                Load offTotal = offRounds.stream().reduce(Load::plus).orElseThrow();
                Load onTotal = onRounds.stream().reduce(Load::plus).orElseThrow();
                double medianOnRate = median(onRounds.stream().mapToDouble(Load::rate).toArray());
                lines.add(String.format("mirror on / off, median of %d rounds %8.0f%%", ROUNDS, 100 * median(ratios)));
                lines.add(String.format("edge CPU per million, mirror off    %10.1f s   (+ %.1f s JIT compiler; all rounds)",
                        offTotal.cpuPerMillion(), offTotal.jitPerMillion()));
                lines.add(String.format("edge CPU per million, mirror on     %10.1f s   (MQTT in, Kafka out, acks=all; + %.1f s JIT compiler; all rounds)",
                        onTotal.cpuPerMillion(), onTotal.jitPerMillion()));
                // on 2 busy cores the ratio is bounded by how much more CPU a mirrored message costs
                // the whole machine: the mirror adds the producer's work and Kafka's
                lines.add(String.format("machine CPU per million, all processes: mirror off %.1f s (generator %.1f + edge %.1f), "
                        + "on %.1f s (generator %.1f + edge %.1f + Kafka %.1f): off / on = %.0f%%",
                        offTotal.machineCpuPerMillion(), offTotal.perMillion(offTotal.generatorCpuSeconds()),
                        offTotal.cpuPerMillion() + offTotal.jitPerMillion(),
                        onTotal.machineCpuPerMillion(), onTotal.perMillion(onTotal.generatorCpuSeconds()),
                        onTotal.cpuPerMillion() + onTotal.jitPerMillion(),
                        onTotal.perMillion(onTotal.kafkaCpuSeconds()),
                        100 * offTotal.machineCpuPerMillion() / onTotal.machineCpuPerMillion()));
                lines.add(String.format("  edge producer: linger.ms=%d, %.1f records per request, %.0f-byte batches on average",
                        edgeLinger(), on.metric("kafka_producer_records_per_request_avg"), on.metric("kafka_producer_batch_size_avg")));
                double edgeCpu = onTotal.cpuPerMillion();
                long count = (long) (medianOnRate * duration.toSeconds());
                double[] paced = plainProducer(kafka.bootstrapServers(), count, (int) medianOnRate);
                lines.add(String.format("plain producer CPU per million      %10.1f s   (edge/plain = %.2f)  at the edge's median rate, %.0f msg/s; %.1f records per request",
                        paced[0], edgeCpu / paced[0], paced[1], paced[2]));
                double[] flat = plainProducer(kafka.bootstrapServers(), count, 0);
                lines.add(String.format("plain producer CPU per million      %10.1f s   (edge/plain = %.2f)  as fast as it goes, %.0f msg/s; %.1f records per request",
                        flat[0], edgeCpu / flat[0], flat[1], flat[2]));
                // an edge can do no better than its mirror-off work plus what kafka-clients spends on
                // the same records at its most efficient, while Kafka, on the same cores, spends what
                // it did: the on / off ratio such an edge would reach on this machine
                double off = offTotal.machineCpuPerMillion();
                double kafkaPerMillion = onTotal.perMillion(onTotal.kafkaCpuSeconds());
                lines.add(String.format("ceiling for on / off here: mirror off %.1f s / (%.1f s + plain producer %.1f s + Kafka %.1f s) = %.0f%%",
                        off, off, flat[0], kafkaPerMillion, 100 * off / (off + flat[0] + kafkaPerMillion)));
                lines.add(pubackLatencyLine(on, duration));
                lines.add(String.format("CPU stolen by the host during the run: %.0f %%", HostSteal.now().percentSince(start)));
                System.out.println();
                lines.forEach(System.out::println);
            }
        }
    }

    /** What one timed load did: messages acknowledged in its time, and the CPU each process spent meanwhile. */
    private record Load(long acked, double seconds, double cpuSeconds, double jitSeconds, double generatorCpuSeconds,
            double kafkaCpuSeconds) {

        double rate() {
            return acked / seconds;
        }

        double perMillion(double cpu) {
            return cpu / (acked / 1e6);
        }

        /** The edge's, without the JIT compiler's threads. */
        double cpuPerMillion() {
            return perMillion(cpuSeconds);
        }

        double jitPerMillion() {
            return perMillion(jitSeconds);
        }

        /** All CPU the load cost on this machine (edge with its compiler, load generator, Kafka), per million. */
        double machineCpuPerMillion() {
            return perMillion(cpuSeconds + jitSeconds + generatorCpuSeconds + kafkaCpuSeconds);
        }

        Load plus(Load other) {
            return new Load(acked + other.acked, seconds + other.seconds, cpuSeconds + other.cpuSeconds,
                    jitSeconds + other.jitSeconds, generatorCpuSeconds + other.generatorCpuSeconds,
                    kafkaCpuSeconds + other.kafkaCpuSeconds);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** 50 publishers, QoS 1, 16 in flight each, to fleet/v{n}/telemetry. */
    private static Load load(BrokerProcess edge, Duration duration) throws Exception {
        return load(edge, duration, -1);
    }

    /** As {@link #load(BrokerProcess, Duration)}, also measuring the CPU of the Kafka broker with pid {@code kafkaPid}. */
    private static Load load(BrokerProcess edge, Duration duration, long kafkaPid) throws Exception {
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        for (int i = 0; i < PUBLISHERS; i++) {
            Mqtt3AsyncClient c = client(edge, "mirror-pub-" + i);
            c.connect().get(10, TimeUnit.SECONDS);
            clients.add(c);
        }
        LongAdder acked = new LongAdder();
        ProcessCpu cpuBefore = edge.cpu();
        ProcessCpu generatorBefore = ProcessCpu.of(ProcessHandle.current().pid());
        ProcessCpu kafkaBefore = kafkaPid > 0 ? ProcessCpu.of(kafkaPid) : null;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Mqtt3AsyncClient client = clients.get(i);
            String topic = "fleet/v" + i + "/telemetry";
            Thread t = new Thread(() -> {
                Semaphore window = new Semaphore(WINDOW);
                byte[] payload = new byte[PAYLOAD];
                try {
                    while (System.nanoTime() < end) {
                        window.acquire();
                        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                                .whenComplete((r, e) -> {
                                    if (e == null) {
                                        acked.increment();
                                    }
                                    window.release();
                                });
                    }
                    window.acquire(WINDOW);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcessCpu cpuAfter = edge.cpu();
        double generatorCpu = ProcessCpu.of(ProcessHandle.current().pid()).totalSeconds() - generatorBefore.totalSeconds();
        double kafkaCpu = kafkaBefore == null ? 0 : ProcessCpu.of(kafkaPid).totalSeconds() - kafkaBefore.totalSeconds();
        CompletableFuture.allOf(clients.stream().map(Mqtt3AsyncClient::disconnect).toArray(CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
        return new Load(acked.sum(), seconds, cpuAfter.workSecondsSince(cpuBefore), cpuAfter.jitSecondsSince(cpuBefore),
                generatorCpu, kafkaCpu);
    }

    /**
     * The records the edge writes for this load (64-byte values, vehicle keys and the mirror's
     * headers, acks=all, idempotent, the edge's linger) from a plain producer in this JVM, with
     * the same 800 records in flight at most; at {@code rate} records/s, or as fast as it goes for
     * 0. A first round of the same size warms it up, as the edge was warmed up. Returns {CPU s per
     * million, records/s, records per produce request}.
     */
    private static double[] plainProducer(String servers, long count, int rate) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, edgeLinger()), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            String node = java.net.InetAddress.getLocalHost().getHostName(); // the edge's default node id
            for (int i = 0; i < PUBLISHERS; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(MirrorHeaders.TOPIC, utf8("fleet/v" + i + "/telemetry"));
                headers.add(MirrorHeaders.QOS, utf8("1"));
                headers.add(MirrorHeaders.RETAIN, utf8("false"));
                headers.add(MirrorHeaders.CLIENT_ID, utf8("mirror-pub-" + i));
                headers.add(MirrorHeaders.NODE, utf8(node));
                records.add(new ProducerRecord<>("tributary.fleet.raw", null, null, utf8("v" + i), new byte[PAYLOAD], headers));
            }
            send(producer, records, count, rate);
            ProcessCpu cpuBefore = ProcessCpu.of(ProcessHandle.current().pid());
            long start = System.nanoTime();
            send(producer, records, count, rate);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = ProcessCpu.of(ProcessHandle.current().pid()).workSecondsSince(cpuBefore);
            double perRequest = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("records-per-request-avg") && e.getKey().group().equals("producer-metrics"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElse(Double.NaN);
            return new double[] { cpu / (count / 1e6), count / seconds, perRequest };
        }
    }

    /**
     * The edge's linger.ms: its default, or what {@code JAVA_TOOL_OPTIONS} set for the edges, which
     * this JVM sees too, so that the plain producer always batches as the edge does.
     */
    private static int edgeLinger() {
        return Integer.parseInt(System.getProperty(EDGE_LINGER_PROPERTY, "1"));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records,
            long count, int rate) throws InterruptedException {
        Semaphore window = new Semaphore(PUBLISHERS * WINDOW);
        long start = System.nanoTime();
        // paced in 1 ms ticks: a wake-up per record would cost this process more CPU than the producer
        int perTick = Math.max(1, rate / 1000);
        for (int i = 0; i < count; i++) {
            if (rate > 0 && i % perTick == 0) {
                Pacing.awaitSlot(start, 1000, i / perTick);
            }
            window.acquire();
            ProducerRecord<byte[], byte[]> r = records.get(i % PUBLISHERS);
            // a new record each time, timestamped now, as the edge makes one per PUBLISH
            producer.send(new ProducerRecord<>(r.topic(), null, System.currentTimeMillis(), r.key(), r.value(), r.headers()),
                    (m, e) -> window.release());
        }
        window.acquire(PUBLISHERS * WINDOW);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String pubackLatencyLine(BrokerProcess edge, Duration duration) throws Exception {
        HostSteal before = HostSteal.now();
        double[] latency = pubackLatency(edge, 5_000, duration);
        return String.format("PUBACK latency @5000/s, acks=all    p50 %.2f ms, p99 %.2f ms, max %.2f ms (host steal %.0f %%)",
                latency[0], latency[1], latency[2], HostSteal.now().percentSince(before));
    }

    /**
     * One publisher at a fixed rate, QoS 1: time from PUBLISH sent to PUBACK received, in ms, after
     * {@value #LATENCY_WARM_UP_SECONDS} s of the same stream that are not timed.
     */
    private static double[] pubackLatency(BrokerProcess edge, int rate, Duration duration) throws Exception {
        writeBackKafkaLog();
        Mqtt3AsyncClient client = client(edge, "latency-pub");
        client.connect().get(10, TimeUnit.SECONDS);
        // the first seconds of a new stream are slow while both ends compile its path: not timed
        int warmUp = rate * LATENCY_WARM_UP_SECONDS;
        int total = (int) (rate * duration.toSeconds()) + warmUp;
        long[] latencies = new long[total];
        CompletableFuture<?>[] acks = new CompletableFuture<?>[total];
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            Pacing.awaitSlot(start, rate, i);
            int index = i;
            long sent = System.nanoTime();
            acks[i] = client.publishWith().topic("fleet/latency/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(ByteBuffer.allocate(PAYLOAD).putInt(i).array()).send()
                    .whenComplete((r, e) -> latencies[index] = System.nanoTime() - sent);
        }
        CompletableFuture.allOf(acks).get(60, TimeUnit.SECONDS);
        client.disconnect().get(10, TimeUnit.SECONDS);
        long[] measured = Arrays.stream(latencies, warmUp, total).sorted().toArray();
        return new double[] { Pacing.percentile(measured, 0.50) / 1e6, Pacing.percentile(measured, 0.99) / 1e6,
                Pacing.percentile(measured, 1.0) / 1e6 };
    }

    /**
     * The loads before the latency stream leave Kafka's log (over 100 MB) in dirty pages, which the
     * kernel writes back 30 s after they were written: a burst that took these 2 cores from the
     * stream for seconds and made most of its slow acknowledgements. Writing them back first
     * measures the 5,000 msg/s stream itself, whose own log is written back as it goes.
     */
    private static void writeBackKafkaLog() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    private static Mqtt3AsyncClient client(BrokerProcess edge, String id) {
        return MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(edge.port()).buildAsync();
    }
}
