package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.testsupport.AuthTopicWriter;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.KafkaRecords;
import dev.tributary.testsupport.MqttBytes;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * The edge's byte bounds and retained caps, as a client meets them: the packaged edge as its own process, raw
 * sockets and HiveMQ clients, a real Kafka (paused with SIGSTOP where Kafka must hang). Each test starts its own
 * edge with the bound it checks set low, and shared topics of its own, so no other edge or test shares its state.
 */
class EdgeBoundsIT {

    private static final String FLEET_TOPIC = "tributary.fleet.raw";

    private static Path work(String name) throws IOException {
        return Files.createDirectories(Path.of("target", "edge-bounds", name));
    }

    /** Cluster topics of this edge's own: an edge alone, whatever else runs on the same Kafka. */
    private static Map<String, String> alone(String run) {
        return Map.of("TRIBUTARY_EDGE_CLUSTER_RETAINED_TOPIC", "tributary.state.retained." + run,
                "TRIBUTARY_EDGE_CLUSTER_INTEREST_TOPIC", "tributary.cluster.interest." + run,
                "TRIBUTARY_EDGE_CLUSTER_INBOX_PREFIX", "tributary.cluster.node." + run + ".");
    }

    // ------------------------------------------------------------ before CONNACK

    @Test
    void bytesSentBeforeTheConnack_beyondTheBound_closeTheConnection_whileWithinItTheClientIsAnswered() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String authTopic = "tributary.auth.bounds-" + run;
        String kafka = SharedKafka.get().bootstrapServers();
        String user = "slow-" + run;
        String other = "slow2-" + run;
        try (AuthTopicWriter auth = AuthTopicWriter.on(kafka, authTopic)) {
            // the slowest hash the edge accepts: a CONNECT waits a second or more for it, and packets pile up
            // meanwhile; two users, as a verified password is cached and the next CONNECT would not wait
            String hash = PasswordHashes.hash("slow-password", PasswordHashes.MAX_ITERATIONS);
            auth.principal(new Principal(user, Kind.DEVICE, hash, List.of(), false, 0));
            auth.principal(new Principal(other, Kind.DEVICE, hash, List.of(), false, 0));
        }
        Map<String, String> settings = new HashMap<>(alone(run));
        settings.put("TRIBUTARY_EDGE_LIMITS_MAX_BYTES_BEFORE_CONNACK", "8192");
        try (EdgeProcess edge = EdgeProcess.builder(ServiceProcess.root(), work("before-connack")).authFrom(kafka, authTopic)
                .settings(settings).start()) {
            awaitReady(edge); // the auth replica has read the principals
            byte[] kib = new byte[1024];
            byte[] connect = MqttBytes.connect(user + "-within", 60, user, "slow-password".getBytes(StandardCharsets.UTF_8),
                    null, null);
            try (Socket within = new Socket("127.0.0.1", edge.port())) {
                within.setSoTimeout(60_000);
                OutputStream out = within.getOutputStream();
                out.write(connect);
                for (int i = 0; i < 4; i++) {
                    out.write(MqttBytes.publish("fleet/" + user + "/t", kib, 0, false, 0));
                }
                out.flush();
                assertThat(firstByteAndCode(within.getInputStream())).as("4 KiB before the CONNACK: answered")
                        .containsExactly(0x20, 0);
            }

            Socket beyond = new Socket("127.0.0.1", edge.port());
            beyond.setSoTimeout(60_000);
            OutputStream out = beyond.getOutputStream();
            out.write(MqttBytes.connect(other, 60, other, "slow-password".getBytes(StandardCharsets.UTF_8), null, null));
            long sentAt = System.nanoTime();
            int sent = 0;
            try {
                for (; sent < 16; sent++) {
                    out.write(MqttBytes.publish("fleet/" + other + "/t", kib, 0, false, 0));
                }
                out.flush();
            } catch (SocketException closedWhileSending) {
                // the edge closed the connection while the rest was still on its way: what this test expects
            }
            int first;
            try {
                first = beyond.getInputStream().read();
            } catch (SocketException reset) {
                first = -1;
            }
            long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            beyond.close();
            assertThat(first).as("closed without a CONNACK (after %d packets, %d ms)", sent, closedAfterMillis).isEqualTo(-1);
            assertThat(edge.metric("tributary_limits_exceeded_total", "limit=\"limits.max-bytes-before-connack\""))
                    .isEqualTo(1.0);
        }
    }

    private static void awaitReady(EdgeProcess edge) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest ready = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + edge.httpPort() + "/q/health/ready")).build();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> http.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** A CONNACK's first byte and return code. */
    private static int[] firstByteAndCode(InputStream in) throws IOException {
        byte[] connack = in.readNBytes(4);
        assertThat(connack).as("a CONNACK").hasSize(4);
        return new int[] { connack[0] & 0xFF, connack[3] };
    }

    // ------------------------------------------------------------ retained caps

    @Test
    void aRetainedPublishOverACap_isDeliveredAndMirrored_butNotServedToANewSubscriber_andCounted() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String vehicle = "cap-" + run;
        Map<String, String> settings = new HashMap<>(alone(run));
        settings.put("TRIBUTARY_EDGE_RETAINED_MAX_MESSAGES_PER_TREE", "2");
        String kafka = SharedKafka.get().bootstrapServers();
        try (EdgeProcess edge = EdgeProcess.builder(ServiceProcess.root(), work("retained-caps")).mirrorTo(kafka)
                .settings(settings).start()) {
            Mqtt3AsyncClient live = client(edge, "live-" + run);
            List<Mqtt3Publish> liveReceived = new java.util.concurrent.CopyOnWriteArrayList<>();
            live.subscribeWith().topicFilter("fleet/" + vehicle + "/#").qos(MqttQos.AT_LEAST_ONCE).callback(liveReceived::add)
                    .send().get(10, TimeUnit.SECONDS);

            Mqtt3AsyncClient publisher = client(edge, "pub-" + run);
            for (int i = 1; i <= 3; i++) {
                publisher.publishWith().topic("fleet/" + vehicle + "/" + i).payload(("r" + i).getBytes()).retain(true)
                        .qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> liveReceived.size() == 3);
            assertThat(liveReceived).as("a subscriber that was there gets all three").extracting(p -> p.getTopic().toString())
                    .containsExactly("fleet/" + vehicle + "/1", "fleet/" + vehicle + "/2", "fleet/" + vehicle + "/3");

            // a new subscriber gets what was kept, then a plain message published after it subscribed:
            // anything retained is sent before that [MQTT-3.3.1-6]
            Mqtt3AsyncClient late = client(edge, "late-" + run);
            List<Mqtt3Publish> lateReceived = new java.util.concurrent.CopyOnWriteArrayList<>();
            late.subscribeWith().topicFilter("fleet/" + vehicle + "/#").qos(MqttQos.AT_LEAST_ONCE).callback(lateReceived::add)
                    .send().get(10, TimeUnit.SECONDS);
            publisher.publishWith().topic("fleet/" + vehicle + "/end").payload("end".getBytes()).qos(MqttQos.AT_LEAST_ONCE)
                    .send().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> lateReceived.stream()
                    .anyMatch(p -> p.getTopic().toString().endsWith("/end")));
            assertThat(lateReceived).extracting(p -> p.getTopic().toString() + (p.isRetain() ? " retained" : ""))
                    .containsExactlyInAnyOrder("fleet/" + vehicle + "/1 retained", "fleet/" + vehicle + "/2 retained",
                            "fleet/" + vehicle + "/end");
            assertThat(edge.metric("tributary_limits_exceeded_total", "limit=\"retained.max-messages-per-tree\""))
                    .isEqualTo(1.0);

            // acknowledged at QoS 1: in Kafka already
            List<ConsumerRecord<byte[], byte[]>> mirrored = KafkaRecords.all(kafka, FLEET_TOPIC).stream()
                    .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(vehicle)).toList();
            assertThat(mirrored).as("all three retained messages are in Kafka, the one over the cap too")
                    .extracting(r -> header(r, MirrorHeaders.TOPIC) + " retain=" + header(r, MirrorHeaders.RETAIN))
                    .containsExactly("fleet/" + vehicle + "/1 retain=true", "fleet/" + vehicle + "/2 retain=true",
                            "fleet/" + vehicle + "/3 retain=true", "fleet/" + vehicle + "/end retain=false");
            for (Mqtt3AsyncClient c : List.of(live, publisher, late)) {
                c.disconnect().get(10, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------ the mirror's byte bound

    @Test
    void kafkaHanging_theMirrorsByteBound_dropsCountedQos0_holdsBackQos1_andLosesNothingAcknowledged() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String vehicle = "held-" + run;
        long bound = 256 * 1024;
        int messages = 12_000;
        byte[] payload = new byte[4096];
        try (LocalKafka kafka = SharedKafka.newPrivateBroker()) {
            kafka.start();
            Map<String, String> settings = new HashMap<>();
            settings.put("TRIBUTARY_EDGE_MIRROR_MAX_PENDING_BYTES", Long.toString(bound));
            // the client's own bound far above the mirror's, so the mirror's is the one reached
            settings.put("TRIBUTARY_EDGE_LIMITS_MAX_PENDING_ACK_BYTES", Long.toString(1024L * 1024 * 1024));
            try (EdgeProcess edge = EdgeProcess.builder(ServiceProcess.root(), work("mirror-bound"))
                    .mirrorTo(kafka.bootstrapServers()).settings(settings).start();
                    Socket qos1 = new Socket("127.0.0.1", edge.port());
                    Socket qos0 = new Socket("127.0.0.1", edge.port())) {
                for (Socket socket : List.of(qos1, qos0)) {
                    socket.setSoTimeout(30_000);
                }
                qos1.getOutputStream().write(MqttBytes.connect("qos1-" + run, 0));
                assertThat(firstByteAndCode(qos1.getInputStream())).containsExactly(0x20, 0);
                qos0.getOutputStream().write(MqttBytes.connect("qos0-" + run, 0));
                assertThat(firstByteAndCode(qos0.getInputStream())).containsExactly(0x20, 0);
                // one message before the outage: the mirror and its topic are there
                qos1.getOutputStream().write(MqttBytes.publish("fleet/" + vehicle + "/t", message(0, payload), 1, false, 1));
                assertThat(pubackId(qos1.getInputStream())).isEqualTo(1);

                Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
                AtomicReference<Throwable> readerFailed = new AtomicReference<>();
                Thread reader = daemon("puback-reader", () -> {
                    try {
                        InputStream in = qos1.getInputStream();
                        qos1.setSoTimeout(0);
                        while (acknowledged.size() < messages) {
                            acknowledged.add(pubackId(in));
                        }
                    } catch (Throwable e) {
                        readerFailed.set(e);
                    }
                });
                AtomicLong written = new AtomicLong();
                AtomicReference<Throwable> writerFailed = new AtomicReference<>();

                kafka.pause();
                Thread writer;
                try {
                    writer = daemon("qos1-writer", () -> {
                        try {
                            OutputStream out = qos1.getOutputStream();
                            for (int i = 1; i <= messages; i++) {
                                out.write(MqttBytes.publish("fleet/" + vehicle + "/t", message(i, payload), 1, false, i + 1));
                                written.addAndGet(payload.length);
                            }
                            out.flush();
                        } catch (Throwable e) {
                            writerFailed.set(e);
                        }
                    });
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> edge.metric("tributary_mirror_pending_bytes", "") >= bound);
                    OutputStream out0 = qos0.getOutputStream();
                    for (int i = 0; i < 100; i++) {
                        out0.write(MqttBytes.publish("fleet/drop-" + run + "/t", payload, 0, false, 0));
                    }
                    out0.flush();
                    await().atMost(Duration.ofSeconds(30)).until(() -> edge.metric("tributary_mirror_records_dropped_total",
                            "reason=\"pending_bytes_full\"") > 0);
                    Thread.sleep(2_000); // what the edge would still read, it has read by now

                    double pending = edge.metric("tributary_mirror_pending_bytes", "");
                    assertThat(pending).as("the mirror holds about its bound, not what the publisher sent")
                            .isLessThan(8.0 * bound);
                    assertThat(written.get()).as("the publisher is held back: its socket is not read")
                            .isLessThan((long) messages * payload.length);
                    assertThat(acknowledged).as("no PUBACK while Kafka hangs").isEmpty();
                    assertThat(edge.metric("tributary_limits_exceeded_total", "limit=\"mirror.max-pending-bytes\""))
                            .isPositive();
                    assertThat(edge.metric("tributary_mirror_records_dropped_total", "reason=\"pending_bytes_full\""))
                            .as("QoS 0 messages beyond the bound are dropped and counted").isPositive();
                } finally {
                    kafka.resume();
                }
                writer.join(TimeUnit.MINUTES.toMillis(3));
                assertThat(writerFailed.get()).isNull();
                await().atMost(Duration.ofMinutes(3)).until(() -> acknowledged.size() == messages || readerFailed.get() != null);
                assertThat(readerFailed.get()).isNull();
                reader.join(10_000);

                List<Integer> inKafka = new ArrayList<>();
                KafkaRecords.all(kafka.bootstrapServers(), FLEET_TOPIC).stream()
                        .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(vehicle))
                        .forEach(r -> inKafka.add(ByteBuffer.wrap(r.value()).getInt()));
                assertThat(inKafka).as("every acknowledged message in Kafka, once, in order")
                        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, messages).boxed().toList());
            }
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The payload of message {@code index}: its number first, so Kafka's copy says which it is. */
    private static byte[] message(int index, byte[] payload) {
        byte[] copy = payload.clone();
        ByteBuffer.wrap(copy).putInt(index);
        return copy;
    }

    /** Reads one PUBACK and returns its packet id. */
    private static int pubackId(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new IOException("closed");
        }
        int length = MqttBytes.readRemainingLength(in);
        byte[] body = in.readNBytes(length);
        if (first != 0x40 || length != 2) {
            throw new IOException("expected PUBACK, got " + MqttBytes.typeName(first));
        }
        return (body[0] & 0xFF) << 8 | body[1] & 0xFF;
    }

    private static Mqtt3AsyncClient client(EdgeProcess edge, String id) throws Exception {
        Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1")
                .serverPort(edge.port()).buildAsync();
        client.connect().get(10, TimeUnit.SECONDS);
        return client;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
