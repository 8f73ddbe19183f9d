package dev.tributary.systemtests.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.testsupport.AuthTopicWriter;
import dev.tributary.testsupport.ControlClient;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.MqttBytes;
import dev.tributary.testsupport.ProcessMemory;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;
import dev.tributary.testsupport.WebSocketBytes;

/**
 * Floods that cost an attacker little: connections that never send CONNECT, WebSocket upgrades
 * trickled a byte at a time, wrong passwords by the thousand. Each time a control client keeps being
 * served (its CONNACK latency is logged; only a generous bound is asserted) and the edge's live heap
 * stays within the bound docs/security.md gives.
 */
class FloodIT {

    /** The connect timeout the floods run against (3 s instead of the default 10 s, to keep the test short). */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** A control CONNECT during a flood must be answered within this: generous, for a 2-core machine running the flood too. */
    private static final Duration CONTROL_BOUND = Duration.ofSeconds(2);
    /** Live heap growth during a flood of 5,000 connections: documented in docs/security.md. */
    private static final long HEAP_BOUND = 32L << 20;

    private static EdgeProcess edge(Map<String, String> settings, boolean auth, String authTopic) throws IOException {
        EdgeProcess.Builder builder = EdgeProcess.builder(ServiceProcess.root(), Files.createTempDirectory("flood"))
                .settings(Map.of("TRIBUTARY_EDGE_MQTT_CONNECT_TIMEOUT", CONNECT_TIMEOUT.toSeconds() + "s"))
                .settings(settings);
        if (auth) {
            builder.authFrom(SharedKafka.get().bootstrapServers(), authTopic);
        }
        return builder.start();
    }

    @Test
    void fiveThousandConnectionsThatNeverSendConnect_areClosedByTheConnectTimeout_whileAControlClientIsServed() throws Exception {
        try (EdgeProcess edge = edge(Map.of(), false, null)) {
            long pid = edge.process().pid();
            long heapBefore = ProcessMemory.liveHeapBytes(pid);
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 5_000; i++) {
                    Socket socket = new Socket();
                    silent.add(socket);
                    socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5_000);
                }
                Duration latency = control(edge, "silent-flood");
                long heapDuring = ProcessMemory.liveHeapBytes(pid);
                System.out.printf("5,000 silent connections: control CONNACK in %.1f ms; live heap %,d → %,d B%n",
                        latency.toNanos() / 1e6, heapBefore, heapDuring);
                assertThat(heapDuring - heapBefore).as("live heap growth with 5,000 silent connections").isLessThan(HEAP_BOUND);
                // [MQTT-3.1.4] a server closes a connection that sends no CONNECT within a reasonable time
                assertClosedByTheEdge(silent, CONNECT_TIMEOUT.plusSeconds(10));
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (openConnections(edge) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(openConnections(edge)).as("connections the edge counts as open").isZero();
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void slowlorisWebSocketUpgrades_trickledByteByByte_areClosedByTheConnectTimeout_whileControlClientsAreServed() throws Exception {
        try (EdgeProcess edge = edge(Map.of(), false, null)) {
            long pid = edge.process().pid();
            long heapBefore = ProcessMemory.liveHeapBytes(pid);
            Random random = new Random(1);
            byte[] upgrade = WebSocketBytes.upgradeRequest("127.0.0.1", edge.webSocketPort(), "/mqtt", random);
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 1_000; i++) {
                    Socket socket = new Socket();
                    slow.add(socket);
                    socket.connect(new InetSocketAddress("127.0.0.1", edge.webSocketPort()), 5_000);
                }
                // one byte per connection every 100 ms: the upgrade would take 20 s, far past the connect timeout
                List<Socket> open = new ArrayList<>(slow);
                int sent = 0;
                long start = System.nanoTime();
                Duration latency = null;
                while (!open.isEmpty() && sent < upgrade.length) {
                    for (var it = open.iterator(); it.hasNext();) {
                        Socket socket = it.next();
                        try {
                            socket.getOutputStream().write(upgrade[sent]);
                        } catch (IOException closedByTheEdge) {
                            it.remove();
                        }
                    }
                    sent++;
                    if (sent == 10) {
                        latency = control(edge, "slowloris-tcp");
                        Duration ws = controlOverWebSocket(edge);
                        System.out.printf("1,000 slowloris upgrades: control CONNACK in %.1f ms over TCP, %.1f ms over WebSocket%n",
                                latency.toNanos() / 1e6, ws.toNanos() / 1e6);
                        long heapDuring = ProcessMemory.liveHeapBytes(pid);
                        System.out.printf("live heap %,d → %,d B%n", heapBefore, heapDuring);
                        assertThat(heapDuring - heapBefore).as("live heap growth with 1,000 slow upgrades").isLessThan(HEAP_BOUND);
                    }
                    Thread.sleep(100);
                    if (System.nanoTime() - start > CONNECT_TIMEOUT.plusSeconds(10).toNanos()) {
                        break;
                    }
                }
                assertThat(sent).as("bytes trickled before the edge closed every connection").isLessThan(upgrade.length);
                assertClosedByTheEdge(slow, Duration.ofSeconds(5));
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void tenThousandWrongPasswords_areThrottled_andDoNotKeepTheRightPasswordOut() throws Exception {
        String topic = "tributary.auth.flood-" + System.nanoTime();
        try (AuthTopicWriter auth = AuthTopicWriter.on(SharedKafka.get().bootstrapServers(), topic)) {
            String hash = PasswordHashes.hash("right", 1_000);
            for (int i = 0; i < 100; i++) {
                auth.principal(new Principal("dev-" + i, Kind.DEVICE, hash, List.of(), false, 0));
            }
            auth.principal(new Principal("control", Kind.DEVICE, hash, List.of(), false, 0));
        }
        try (EdgeProcess edge = edge(Map.of(), true, topic)) {
            long pid = edge.process().pid();
            awaitAuthReplica(edge);
            long heapBefore = ProcessMemory.liveHeapBytes(pid);
            int[] codes = new int[6];
            for (int i = 0; i < 10_000; i++) {
                byte[] connect = MqttBytes.connect("dev-" + (i % 100), 0, "dev-" + (i % 100),
                        ("wrong-" + i).getBytes(StandardCharsets.UTF_8), null, null);
                codes[ControlClient.connect("127.0.0.1", edge.port(), null, connect, Duration.ofSeconds(10)).code()]++;
            }
            double hashesChecked = metric(edge, "tributary_auth_connects_total{outcome=\"bad_password\"}");
            // from another loopback address, as a device elsewhere would connect
            ControlClient.Answer control = ControlClient.connect("127.0.0.1", edge.port(), InetAddress.getByName("127.0.0.2"),
                    ControlClient.connectPacket("control", "control", "right"), Duration.ofSeconds(10));
            long heapDuring = ProcessMemory.liveHeapBytes(pid);
            System.out.printf("10,000 wrong passwords: CONNACK codes %s, %.0f passwords hashed; control (127.0.0.2) CONNACK %d in %.1f ms; "
                    + "live heap %,d → %,d B%n", java.util.Arrays.toString(codes), hashesChecked, control.code(),
                    control.latency().toNanos() / 1e6, heapBefore, heapDuring);
            assertThat(codes[0]).as("wrong passwords accepted").isZero();
            // a throttled address costs no hash: past tributary.edge.auth.max-failures-per-address (20) from
            // 127.0.0.1, whatever the user names, every attempt is refused unchecked
            assertThat(hashesChecked).as("passwords hashed for 10,000 wrong attempts from one address").isLessThanOrEqualTo(20);
            assertThat(codes[5]).as("refused as throttled (CONNACK 5)").isGreaterThanOrEqualTo(9_980);
            assertThat(control.code()).as("the right password from another address").isZero();
            assertThat(control.latency()).isLessThan(CONTROL_BOUND);
            assertThat(heapDuring - heapBefore).as("live heap growth after 10,000 wrong passwords").isLessThan(HEAP_BOUND);
        }
    }

    /** A control client's CONNECT over TCP, answered (CONNACK 0) within the generous bound; its latency. */
    private static Duration control(EdgeProcess edge, String clientId) throws IOException {
        ControlClient.Answer answer = ControlClient.connect("127.0.0.1", edge.port(), null,
                ControlClient.connectPacket(clientId, null, null), Duration.ofSeconds(10));
        assertThat(answer.code()).isZero();
        assertThat(answer.latency()).as("control CONNACK latency").isLessThan(CONTROL_BOUND);
        return answer.latency();
    }

    /** The same over WebSocket: upgrade, CONNECT in a binary frame, the CONNACK's first bytes. */
    private static Duration controlOverWebSocket(EdgeProcess edge) throws IOException {
        long start = System.nanoTime();
        Random random = new Random(2);
        try (Socket socket = new Socket("127.0.0.1", edge.webSocketPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(WebSocketBytes.upgradeRequest("127.0.0.1", edge.webSocketPort(), "/mqtt", random));
            InputStream in = socket.getInputStream();
            assertThat(WebSocketBytes.readUpgradeResponse(in)).isEqualTo(101);
            socket.getOutputStream().write(WebSocketBytes.binary(ControlClient.connectPacket("slowloris-ws", null, null), random));
            // a server frame: 0x82, length 4, then the CONNACK 20 02 00 00
            byte[] frame = in.readNBytes(6);
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            assertThat(MqttBytes.hex(frame)).isEqualTo("820420020000");
            assertThat(latency).isLessThan(CONTROL_BOUND);
            return latency;
        }
    }

    /** Every socket sees the edge close it (end of stream or a reset) within {@code within}. */
    private static void assertClosedByTheEdge(List<Socket> sockets, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        int stillOpen = 0;
        for (Socket socket : sockets) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout(left);
            try {
                while (socket.getInputStream().read() >= 0) {
                    // an HTTP error page or nothing: what matters is the close
                }
            } catch (SocketTimeoutException open) {
                stillOpen++;
            } catch (IOException reset) {
                // closed by the edge with an RST
            }
        }
        assertThat(stillOpen).as("connections the edge had not closed after " + within).isZero();
    }

    /** The sum of a metric's samples whose line starts with {@code sample} (a name, or a name with labels up to a comma or brace). */
    private static double metric(EdgeProcess edge, String sample) {
        String text = new Http("http://127.0.0.1:" + edge.httpPort()).call("GET", "/q/metrics", null, null, null, null).body();
        String prefix = sample.endsWith("}") ? sample.substring(0, sample.length() - 1) : sample;
        return text.lines().filter(l -> l.startsWith(prefix) && (l.length() > prefix.length()
                        && (l.charAt(prefix.length()) == ' ' || l.charAt(prefix.length()) == ',' || l.charAt(prefix.length()) == '}'
                                || l.charAt(prefix.length()) == '{')))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double openConnections(EdgeProcess edge) {
        return metric(edge, "tributary_mqtt_connections");
    }

    /** Until the edge has read its auth topic: before that it answers every CONNECT with 3 (server unavailable). */
    private static void awaitAuthReplica(EdgeProcess edge) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            int code = ControlClient.connect("127.0.0.1", edge.port(), InetAddress.getByName("127.0.0.3"),
                    ControlClient.connectPacket("control", "control", "right"), Duration.ofSeconds(10)).code();
            if (code == 0) {
                return;
            }
            assertThat(System.nanoTime()).as("auth replica loaded").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
