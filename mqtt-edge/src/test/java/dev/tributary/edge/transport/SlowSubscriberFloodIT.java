package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.MqttBytes;
import dev.tributary.testsupport.ServiceProcess;

/**
 * A subscriber that stops reading while 50 publishers flood its topic costs the edge a bounded amount of
 * heap and nobody else their service: the packaged edge, with its default limits, over real sockets. Two
 * raw sockets subscribe at QoS 1 and never read; 50 HiveMQ clients publish 64 KiB QoS 1 messages to them;
 * a control pair meanwhile exchanges a message every 100 ms. The edge's live heap (after a full
 * collection) may grow by what docs/operations.md states a stuck subscriber can hold: its queue
 * ({@code max-queued-bytes}, 8 MiB), its in-flight window (32 messages) and what waits in its socket (up
 * to {@code max-outbound-buffer-disconnect}, 8 MiB); bounded by count alone, each would hold 1,000
 * messages, 64 MiB here.
 */
class SlowSubscriberFloodIT {

    private static final int PUBLISHERS = 50;
    private static final int PAYLOAD = 64 * 1024;
    /** Two stuck subscribers × (8 MiB queue + 2 MiB window + 8 MiB socket), with room for the JVM's own noise. */
    private static final long HEAP_GROWTH_BOUND = 48L * 1024 * 1024;

    @Test
    void subscriberThatNeverReads_whileFiftyPublishersSend_costsBoundedHeap_andOthersKeepNormalLatency() throws Exception {
        Path work = Files.createDirectories(Path.of("target/slow-subscriber-flood"));
        try (EdgeProcess edge = EdgeProcess.builder(ServiceProcess.root(), work).settings(defaultLimits()).start()) {
            long baseline = edge.liveHeapBytes();

            List<Socket> stuck = List.of(stuckSubscriber(edge.port(), "stuck-1"), stuckSubscriber(edge.port(), "stuck-2"));
            Mqtt3AsyncClient controlSubscriber = client(edge, "control-sub");
            Mqtt3AsyncClient controlPublisher = client(edge, "control-pub");
            List<Long> latenciesMillis = Collections.synchronizedList(new ArrayList<>());
            controlSubscriber.subscribeWith().topicFilter("control/ping").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> latenciesMillis.add(System.currentTimeMillis() - Long.parseLong(new String(p.getPayloadAsBytes()))))
                    .send().get(10, TimeUnit.SECONDS);

            AtomicBoolean flooding = new AtomicBoolean(true);
            List<Mqtt3AsyncClient> publishers = new ArrayList<>();
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            byte[] payload = new byte[PAYLOAD];
            for (int i = 0; i < PUBLISHERS; i++) {
                Mqtt3AsyncClient publisher = client(edge, "flood-" + i);
                publishers.add(publisher);
                loops.add(CompletableFuture.runAsync(() -> {
                    while (flooding.get()) {
                        publisher.publishWith().topic("flood/x").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().join();
                    }
                }));
            }

            int pings = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < end) {
                controlPublisher.publishWith().topic("control/ping").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Long.toString(System.currentTimeMillis()).getBytes()).send();
                pings++;
                Thread.sleep(100);
            }
            long during = edge.liveHeapBytes();
            flooding.set(false);
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            Thread.sleep(2_000);

            List<Long> sorted = new ArrayList<>(latenciesMillis);
            Collections.sort(sorted);
            System.out.printf("slow subscriber flood: live heap %d MB before, %d MB during (bound +%d MB); control "
                    + "latency over %d of %d pings: median %d ms, max %d ms%n", baseline >> 20, during >> 20,
                    HEAP_GROWTH_BOUND >> 20, sorted.size(), pings, sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2),
                    sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));

            assertThat(during - baseline).as("live heap growth while two subscribers do not read").isLessThan(HEAP_GROWTH_BOUND);
            assertThat(sorted).as("every control message arrives").hasSize(pings);
            assertThat(sorted.get(sorted.size() - 1)).as("control latency, ms").isLessThan(2_000);

            for (Mqtt3AsyncClient c : publishers) {
                c.disconnect();
            }
            controlPublisher.disconnect();
            controlSubscriber.disconnect();
            for (Socket s : stuck) {
                s.close();
            }
        }
    }

    /** The defaults of EdgeConfig, where EdgeProcess raises them for benchmarks. */
    private static Map<String, String> defaultLimits() {
        return Map.of("TRIBUTARY_EDGE_LIMITS_MAX_INFLIGHT", "32",
                "TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_MESSAGES", "1000",
                "TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_BYTES", "8388608",
                "TRIBUTARY_EDGE_LIMITS_MAX_QUEUED_BYTES_TOTAL", "268435456",
                "TRIBUTARY_EDGE_LIMITS_MAX_OUTBOUND_BUFFER", "1048576",
                "TRIBUTARY_EDGE_LIMITS_MAX_OUTBOUND_BUFFER_DISCONNECT", "8388608");
    }

    /** Connects, subscribes to flood/# at QoS 1 and then never reads (a small receive buffer fills fast). */
    private static Socket stuckSubscriber(int port, String clientId) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(MqttBytes.connect(clientId, 0));
        socket.getOutputStream().write(MqttBytes.subscribe("flood/#", 1));
        socket.getOutputStream().flush();
        return socket;
    }

    private static Mqtt3AsyncClient client(EdgeProcess edge, String id) throws Exception {
        Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1")
                .serverPort(edge.port()).buildAsync();
        client.connect().get(10, TimeUnit.SECONDS);
        return client;
    }
}
