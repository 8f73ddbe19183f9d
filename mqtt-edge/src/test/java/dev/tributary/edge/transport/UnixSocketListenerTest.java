package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.security.auth.module.UnixSystem;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.auth.Authenticator;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import dev.tributary.testsupport.RequiredTools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * MQTT on a Unix domain socket (Mosquitto's {@code listener 0 /path}) with Debian's mosquitto_pub and
 * mosquitto_sub {@code --unix}: the same protocol and authentication as TCP, a peer's uid as its identity
 * when configured, the socket file's permissions, and a stale file left by a killed process replaced.
 */
class UnixSocketListenerTest {

    private static final long MY_UID = new UnixSystem().getUid();

    @TempDir
    Path dir;

    private final List<Message> mirrored = new CopyOnWriteArrayList<>();
    private final List<Authenticator.ConnectAttempt> attempts = new CopyOnWriteArrayList<>();
    private MqttServer server;
    private TopicTree tree;

    @BeforeAll
    static void mosquittoClientsInstalled() {
        RequiredTools.path("mosquitto_pub");
        RequiredTools.path("mosquitto_sub");
    }

    /** Accepts a user the transport vouched for, or any user with the password "right"; refuses anonymous clients. */
    private final Authenticator strict = attempt -> {
        attempts.add(attempt);
        boolean ok = attempt.certificateVerified()
                || attempt.password() != null && Arrays.equals(attempt.password(), "right".getBytes(StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(ok ? ConnectCode.ACCEPTED : ConnectCode.NOT_AUTHORIZED);
    };

    private Path start(Authenticator authenticator, Map<Integer, String> peerUsers) throws Exception {
        Path socket = dir.resolve("mqtt.sock");
        start(socket, authenticator, peerUsers);
        return socket;
    }

    private void start(Path socket, Authenticator authenticator, Map<Integer, String> peerUsers) throws Exception {
        EdgeMetrics metrics = new EdgeMetrics(new SimpleMeterRegistry());
        tree = new TopicTree();
        Broker broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 16, 100), tree,
                new InMemoryRetainedStore(), m -> {
                    mirrored.add(m);
                    return CompletableFuture.completedFuture(null);
                }, authenticator, new AllowAll(), metrics, new ProtocolLimits(TopicLimits.SPEC, 64, false, Duration.ofSeconds(5)));
        server = new MqttServer(broker, metrics, new MqttServer.Settings("127.0.0.1", 0, 1, 65536, 64, 100, 65536,
                MqttServer.WebSocket.OFF, MqttServer.Tls.OFF),
                new UnixSocket(socket, PosixFilePermissions.fromString("rw-------"), peerUsers));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void mosquittoSubGetsWhatMosquittoPubSendsOverTheSocket_atEveryQos() throws Exception {
        Path socket = start(strict, Map.of());
        Process sub = new ProcessBuilder("mosquitto_sub", "--unix", socket.toString(), "-u", "app", "-P", "right",
                "-t", "local/#", "-q", "2", "-C", "3", "-v", "-W", "20").redirectErrorStream(true).start();
        awaitSubscribed();
        for (int qos = 0; qos <= 2; qos++) {
            assertThat(run("mosquitto_pub", "--unix", socket.toString(), "-u", "app", "-P", "right", "-t", "local/q" + qos,
                    "-q", Integer.toString(qos), "-m", "hello " + qos)).isZero();
        }
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out.lines()).containsExactly("local/q0 hello 0", "local/q1 hello 1", "local/q2 hello 2");
        assertThat(mirrored).extracting(Message::username).containsOnly("app");
    }

    @Test
    void aPeerWhoseUidIsMapped_connectsAsThatUser_withoutAPassword_whateverUserNameItSends() throws Exception {
        Path socket = start(strict, Map.of((int) MY_UID, "local-app"));
        assertThat(run("mosquitto_pub", "--unix", socket.toString(), "-t", "local/mapped", "-q", "1", "-m", "x")).isZero();
        assertThat(run("mosquitto_pub", "--unix", socket.toString(), "-u", "someone-else", "-t", "local/mapped", "-q", "1",
                "-m", "y")).isZero();
        assertThat(mirrored).extracting(Message::username).containsExactly("local-app", "local-app");
    }

    @Test
    void aPeerWhoseUidIsNotMapped_mustLogIn_andItsFailuresAreCountedForItsUid() throws Exception {
        Path socket = start(strict, Map.of((int) MY_UID + 1, "someone"));
        assertThat(run("mosquitto_pub", "--unix", socket.toString(), "-u", "app", "-P", "wrong", "-t", "local/x", "-m", "x"))
                .as("refused with a wrong password").isNotZero();
        assertThat(run("mosquitto_pub", "--unix", socket.toString(), "-u", "app", "-P", "right", "-t", "local/x", "-q", "1",
                "-m", "y")).isZero();
        assertThat(mirrored).extracting(Message::username).containsExactly("app");
        // the login throttle counts per address; a Unix socket's peers are told apart by uid
        assertThat(attempts).extracting(Authenticator.ConnectAttempt::remoteAddress).containsOnly("unix:uid=" + MY_UID);
        assertThat(attempts).noneMatch(Authenticator.ConnectAttempt::certificateVerified);
    }

    @Test
    void theSocketFile_hasTheConfiguredPermissions_andIsRemovedAtStop() throws Exception {
        Path socket = start(new AllowAll(), Map.of());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        server.stop();
        server = null;
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketFileAKilledProcessLeft_isReplaced() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closing does not remove the file, as a SIGKILL would not
        }
        assertThat(socket).exists();
        start(socket, new AllowAll(), Map.of());
        assertThat(run("mosquitto_pub", "--unix", socket.toString(), "-u", "app", "-t", "local/after", "-q", "1", "-m", "z"))
                .isZero();
        assertThat(mirrored).extracting(Message::topic).containsExactly("local/after");
    }

    @Test
    void aSocketAnotherProcessServes_orAFileThatIsNoSocket_stopsTheStart_andIsLeftAlone() throws Exception {
        Path live = dir.resolve("live.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(live));
            assertThatThrownBy(() -> UnixSocketListener.removeStale(live)).hasMessageContaining("another process serves");
            assertThat(live).exists();
        }
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> UnixSocketListener.removeStale(file)).hasMessageContaining("is not a socket");
        assertThat(file).hasContent("keep me");
    }

    @Test
    void settingsThatDoNotParse_stopTheStart_namingTheirKey() {
        assertThat(UnixSocket.parse("", "rw-------", List.of("1:x")).enabled()).isFalse();
        UnixSocket ok = UnixSocket.parse("/run/tributary/mqtt.sock", "rw-rw----", List.of("1000:gateway", " 0 : root-app "));
        assertThat(ok.peerUsers()).containsExactlyInAnyOrderEntriesOf(Map.of(1000, "gateway", 0, "root-app"));
        assertThatThrownBy(() -> UnixSocket.parse("/x.sock", "rwxrwxrwz", List.of()))
                .hasMessageContaining("tributary.edge.unix-socket-permissions");
        for (String bad : List.of("gateway", "abc:gateway", ":gateway", "1000:")) {
            assertThatThrownBy(() -> UnixSocket.parse("/x.sock", "rw-------", List.of(bad)))
                    .hasMessageContaining("tributary.edge.unix-socket-peer-users");
        }
    }

    private void awaitSubscribed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tree.size() == 0) {
            assertThat(System.nanoTime()).as("mosquitto_sub subscribed").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(command));
        full.set(0, RequiredTools.path(command[0]));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return p.exitValue();
    }
}
