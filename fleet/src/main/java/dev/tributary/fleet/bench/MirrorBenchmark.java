package dev.tributary.fleet.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.kafkalocal.LocalKafka;

/**
 * The Kafka mirror benchmark of issue 4, on one machine with a real Kafka broker started here:
 * the price of the guarantee (QoS 1 acknowledged msgs/s, mirror on against off), the edge's CPU per
 * million records against a plain kafka-clients producer sending the same records, and PUBACK
 * latency at a fixed rate with acks=all.
 *
 * <pre>
 * ./tributary bench-mirror [seconds-per-load]
 * </pre>
 */
public final class MirrorBenchmark {

    private static final int PUBLISHERS = 50;
    private static final int WINDOW = 16;
    private static final int PAYLOAD = 64;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 15);
        Path work = Files.createTempDirectory("tributary-mirror-bench");
        try (LocalKafka kafka = LocalKafka.onFreePorts(work.resolve("kafka"))) {
            kafka.start();
            System.out.println("Kafka at " + kafka.bootstrapServers());
            List<String> lines = new ArrayList<>();

            double off;
            try (BrokerProcess edge = BrokerProcess.tributary(root, work, null)) {
                load(edge, Duration.ofSeconds(5)); // warm-up
                double[] result = load(edge, duration);
                off = result[0];
                lines.add(String.format("QoS 1 acknowledged, mirror off     %10.0f msg/s", off));
                lines.add(String.format("edge CPU per million, mirror off    %10.1f s", result[1]));
            }
            try (BrokerProcess edge = BrokerProcess.tributary(root, work, kafka.bootstrapServers())) {
                load(edge, Duration.ofSeconds(5));
                double[] on = load(edge, duration);
                lines.add(String.format("QoS 1 acknowledged, mirror on      %10.0f msg/s  (%.0f%% of off)", on[0], 100 * on[0] / off));
                lines.add(String.format("edge CPU per million records        %10.1f s   (MQTT in, Kafka out, acks=all)", on[1]));
                double plain = plainProducerCpuPerMillion(kafka.bootstrapServers(), (long) (on[0] * duration.toSeconds()));
                lines.add(String.format("plain producer CPU per million      %10.1f s   (edge/plain = %.2f)", plain, on[1] / plain));
                double[] latency = pubackLatency(edge, 5_000, duration);
                lines.add(String.format("PUBACK latency @5000/s, acks=all    p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                        latency[0], latency[1], latency[2]));
            }
            System.out.println();
            lines.forEach(System.out::println);
        }
    }

    /** 50 publishers, QoS 1, 16 in flight each, to fleet/v{n}/telemetry: {acknowledged msg/s, CPU s per million}. */
    private static double[] load(BrokerProcess edge, Duration duration) throws Exception {
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        for (int i = 0; i < PUBLISHERS; i++) {
            Mqtt3AsyncClient c = client(edge, "mirror-pub-" + i);
            c.connect().get(10, TimeUnit.SECONDS);
            clients.add(c);
        }
        LongAdder acked = new LongAdder();
        double cpuBefore = edge.cpuSeconds();
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
        double cpu = edge.cpuSeconds() - cpuBefore;
        CompletableFuture.allOf(clients.stream().map(Mqtt3AsyncClient::disconnect).toArray(CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
        return new double[] { acked.sum() / seconds, cpu / (acked.sum() / 1e6) };
    }

    /** The same records (64-byte values, vehicle keys, acks=all, idempotent) from a plain producer in this JVM. */
    private static double plainProducerCpuPerMillion(String servers, long count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] value = new byte[PAYLOAD];
            byte[][] keys = new byte[PUBLISHERS][];
            for (int i = 0; i < PUBLISHERS; i++) {
                keys[i] = ("v" + i).getBytes(StandardCharsets.UTF_8);
            }
            Semaphore window = new Semaphore(PUBLISHERS * WINDOW);
            long cpuBefore = processCpuNanos();
            for (long i = 0; i < count; i++) {
                window.acquire();
                producer.send(new ProducerRecord<>("tributary.fleet.raw", keys[(int) (i % PUBLISHERS)], value),
                        (m, e) -> window.release());
            }
            window.acquire(PUBLISHERS * WINDOW);
            return (processCpuNanos() - cpuBefore) / 1e9 / (count / 1e6);
        }
    }

    /** One publisher at a fixed rate, QoS 1: time from PUBLISH sent to PUBACK received, in ms. */
    private static double[] pubackLatency(BrokerProcess edge, int rate, Duration duration) throws Exception {
        Mqtt3AsyncClient client = client(edge, "latency-pub");
        client.connect().get(10, TimeUnit.SECONDS);
        int total = (int) (rate * duration.toSeconds());
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
        long[] measured = Arrays.stream(latencies, rate, total).sorted().toArray(); // first second is warm-up
        return new double[] { Pacing.percentile(measured, 0.50) / 1e6, Pacing.percentile(measured, 0.99) / 1e6,
                Pacing.percentile(measured, 1.0) / 1e6 };
    }

    private static Mqtt3AsyncClient client(BrokerProcess edge, String id) {
        return MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(edge.port()).buildAsync();
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
