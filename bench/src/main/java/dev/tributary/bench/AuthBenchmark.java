package dev.tributary.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.testsupport.MqttBytes;

/**
 * What authentication costs at CONNECT:
 * <pre>
 * ./tributary bench-auth [devices] [first-time-sample]
 * </pre>
 * A real Kafka with an auth topic written as auth-service writes it, the packaged edge with
 * authentication on, and raw MQTT clients (many in parallel) that connect with user name and password:
 * <ol>
 * <li>first-time connects of {@code first-time-sample} devices (200) whose hashes have the production cost
 * (210,000 PBKDF2 iterations): every one is a slow hash on the edge;</li>
 * <li>the whole fleet of {@code devices} (10,000) connecting for the first time, with hashes of a low cost
 * (1,000 iterations) so that the setup takes seconds;</li>
 * <li>the same fleet reconnecting, as after a network blip: answered from the verified-credential cache,
 * whatever the hash cost;</li>
 * <li>another {@code devices} connecting for the first time with a token (RS256, as auth-service signs
 * them) as the password: no hash at all.</li>
 * </ol>
 */
public final class AuthBenchmark {

    private static final String TOPIC = "tributary.auth.bench";
    private static final String PASSWORD = "bench-device-password";
    /** Clients connecting at once: a reconnecting fleet. */
    private static final int CONNECTORS = 64;
    /**
     * For the slow hashes: a few at once, so that no client waits for the edge's two hash threads longer
     * than the connect timeout (10 s), which would close it; a herd of first-time logins queues there.
     */
    private static final int SLOW_CONNECTORS = 8;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int sample = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (WorkDir workDir = new WorkDir("tributary-auth-bench");
                LocalKafka kafka = LocalKafka.onFreePorts(workDir.resolve("kafka"))) {
            Path work = workDir.path();
            kafka.start();
            writeAuthTopic(kafka.bootstrapServers(), devices, sample);
            try (BrokerProcess edge = BrokerProcess.tributaryWithAuth(root, work, kafka.bootstrapServers(), TOPIC,
                    Map.of("TRIBUTARY_EDGE_MIRROR_ENABLED", "false"))) {
                connectAll(edge, List.of("warm-up"), 1, false); // waits for the replica, warms the JIT
                List<String> lines = new ArrayList<>();
                lines.add(run(edge, "first-time connects, 210,000 iterations", names("slow-", sample), SLOW_CONNECTORS));
                List<String> fleet = names("dev-", devices);
                lines.add(run(edge, "first-time connects, 1,000 iterations", fleet, CONNECTORS));
                lines.add(run(edge, "reconnects (credential cache)", fleet, CONNECTORS));
                lines.add(run(edge, "first-time connects with a token", names("tok-", devices), CONNECTORS));
                System.out.println();
                lines.forEach(System.out::println);
            }
        }
    }

    private static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    /** Connects every device in parallel, holds the connections, then closes them; prints one line. */
    private static String run(BrokerProcess edge, String what, List<String> users, int parallel) throws Exception {
        double cpuBefore = edge.cpuSeconds();
        long started = System.nanoTime();
        List<Socket> sockets = connectAll(edge, users, parallel, true);
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = edge.cpuSeconds() - cpuBefore;
        for (Socket socket : sockets) {
            socket.close();
        }
        Thread.sleep(2_000); // let the edge see them all go before the next round connects them again
        return String.format("%-42s %6d (%2d at once) in %7.2f s = %7.0f connects/s; edge CPU %6.2f ms per connect",
                what, users.size(), parallel, seconds, users.size() / seconds, cpu * 1000 / users.size());
    }

    private static List<Socket> connectAll(BrokerProcess edge, List<String> users, int parallel, boolean mustSucceed)
            throws Exception {
        List<Socket> sockets = Collections.synchronizedList(new ArrayList<>(users.size()));
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < users.size(); i += parallel) {
                        sockets.add(connect(edge.port(), users.get(i), mustSucceed));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return sockets;
    }

    private static Socket connect(int port, String user, boolean mustSucceed) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Socket socket = new Socket("127.0.0.1", port);
            String login = user.equals("warm-up") ? "dev-1" : user;
            byte[] password = user.startsWith("tok-") ? TOKENS.get(user) : PASSWORD.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(MqttBytes.connect(user, 600, login, password, null, null));
            InputStream in = socket.getInputStream();
            byte[] connack = in.readNBytes(4);
            if (connack.length == 4 && connack[3] == 0) {
                return socket;
            }
            socket.close();
            int code = connack.length == 4 ? connack[3] : -1;
            // 3 = server unavailable: the replica is still loading the topic
            if (mustSucceed || code != 3 || attempt > 300) {
                throw new IOException(user + ": CONNACK " + code);
            }
            Thread.sleep(200);
        }
    }

    private static KeyPair signing;
    /** Made before the timed rounds: signing is the client's work (auth-service's), not the edge's. */
    private static final Map<String, byte[]> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A token as auth-service makes one: RS256 over header.claims, naming the user, valid for an hour. */
    private static byte[] token(String user) {
        long now = System.currentTimeMillis() / 1000;
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"bench\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"tributary\",\"upn\":\"" + user + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(signing.getPrivate());
            rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return (header + "." + claims + "." + b64.encodeToString(rs256.sign())).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeAuthTopic(String kafka, int devices, int sample) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        signing = generator.generateKeyPair();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        // one hash per cost, shared by the devices of that cost: the edge still verifies each device on its own
        String production = PasswordHashes.hash(PASSWORD, 210_000);
        String cheap = PasswordHashes.hash(PASSWORD, 1_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka, "acks", "all",
                "linger.ms", 20), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, AuthRecords.ACL_KEY, AuthRecords.encode(
                    List.of(new AclRule(Who.ANY, null, "fleet/${username}/#", Action.BOTH, true)))));
            for (int i = 1; i <= sample; i++) {
                principal(producer, "slow-" + i, production);
            }
            for (int i = 1; i <= devices; i++) {
                principal(producer, "dev-" + i, cheap);
                principal(producer, "tok-" + i, cheap);
                TOKENS.put("tok-" + i, token("tok-" + i));
            }
            producer.send(new ProducerRecord<>(TOPIC, AuthRecords.KEYS_KEY, AuthRecords.encode(List.of(
                    new SigningKey("bench", "RS256", Base64.getEncoder().encodeToString(signing.getPublic().getEncoded()))))));
            producer.flush();
        }
        System.out.printf("auth topic: %d devices at 1,000 iterations, %d at 210,000%n", devices, sample);
    }

    private static void principal(KafkaProducer<String, byte[]> producer, String name, String hash) {
        producer.send(new ProducerRecord<>(TOPIC, AuthRecords.principalKey(name),
                AuthRecords.encode(new Principal(name, Kind.DEVICE, hash, List.of(), false, 0))));
    }
}
