package dev.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;

import dev.tributary.bench.fuzz.Corpus;
import dev.tributary.testsupport.MqttBytes;
import dev.tributary.testsupport.RequiredTools;

/**
 * Records the fuzzer's seed corpus from the real clients, through {@link RecordingProxy} in front of
 * Debian's Mosquitto (which speaks MQTT 3.1, 3.1.1 and 5), and checks that the stored corpus
 * ({@code src/main/resources/fuzz/corpus.txt}) is what those clients send: the same sessions, each with
 * the same kinds of packets. The fresh recording goes to {@code target/fuzz-corpus.txt};
 * {@code -Dtributary.fuzz.record=true} writes it over the stored one.
 */
class FuzzCorpusIT {

    private static final byte[] PASSWORD = "fuzz-password".getBytes(StandardCharsets.UTF_8);
    private static WorkDir work;
    private static BrokerProcess mosquitto;
    private static RecordingProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        RequiredTools.path("mosquitto");
        work = new WorkDir("fuzz-corpus");
        mosquitto = BrokerProcess.mosquitto(work.path());
        proxy = new RecordingProxy(mosquitto.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (work != null) {
            work.close();
        }
    }

    @Test
    void theStoredCorpus_isWhatTheRealClientsSend_atEveryProtocolLevel() throws Exception {
        List<Corpus.Session> sessions = new ArrayList<>();
        record(sessions, "hivemq", "3.1.1", this::hivemq3);
        record(sessions, "hivemq", "5", this::hivemq5);
        record(sessions, "paho", "3.1", () -> paho(MqttConnectOptions.MQTT_VERSION_3_1));
        record(sessions, "paho", "3.1.1", () -> paho(MqttConnectOptions.MQTT_VERSION_3_1_1));
        for (String level : List.of("3.1", "3.1.1", "5")) {
            mosquittoClients(sessions, level);
        }
        Corpus fresh = new Corpus(sessions);
        String text = fresh.format("""
                Seed corpus of ./tributary fuzz: sessions of real MQTT clients as they crossed a recording proxy on
                their way to Mosquitto, a section per session and direction, a line per packet (type, bytes in hex).
                Recorded by FuzzCorpusIT (bench): ./mvnw -B -pl bench -am verify -Dit.test=FuzzCorpusIT -Dtributary.fuzz.record=true""");
        Files.writeString(Path.of("target/fuzz-corpus.txt"), text);
        if (Boolean.getBoolean("tributary.fuzz.record")) {
            Files.writeString(Path.of("src/main/resources/fuzz/corpus.txt"), text);
        }

        assertThat(kinds(Corpus.load())).as("the stored corpus (target/fuzz-corpus.txt has the fresh recording)")
                .isEqualTo(kinds(Corpus.parse(text)));
    }

    /** Each session's header with the set of first bytes (type and flags) of its packets: what a recording must keep. */
    private static Map<String, TreeSet<String>> kinds(Corpus corpus) {
        Map<String, TreeSet<String>> kinds = new LinkedHashMap<>();
        for (Corpus.Session session : corpus.sessions()) {
            TreeSet<String> firstBytes = kinds.computeIfAbsent(session.header(), h -> new TreeSet<>());
            session.packets().forEach(p -> firstBytes.add(MqttBytes.typeName(p[0]) + String.format("/%02x", p[0] & 0xFF)));
        }
        return kinds;
    }

    @FunctionalInterface
    private interface Client {
        void run() throws Exception;
    }

    /** Runs one client session through the proxy and keeps both directions of each connection it opened. */
    private static void record(List<Corpus.Session> sessions, String client, String level, Client run) throws Exception {
        int before = proxy.recordings().size();
        run.run();
        List<RecordingProxy.Recording> made = proxy.recordings().subList(before, proxy.recordings().size());
        assertThat(made).as(client + " " + level + " connections").isNotEmpty();
        for (RecordingProxy.Recording recording : made) {
            assertThat(recording.await(10)).as(client + " " + level + " connection closed").isTrue();
            sessions.add(new Corpus.Session(client, level, true, MqttBytes.split(recording.fromClient.toByteArray())));
            sessions.add(new Corpus.Session(client, level, false, MqttBytes.split(recording.fromBroker.toByteArray())));
        }
    }

    /** Subscribes, publishes at QoS 0, 1 and 2 to itself (so it acknowledges deliveries too), unsubscribes, idles for a PINGREQ. */
    private void hivemq3() throws Exception {
        Mqtt3BlockingClient client = com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion3()
                .identifier("fuzz-hivemq3").serverHost("127.0.0.1").serverPort(proxy.port()).buildBlocking();
        client.connectWith().cleanSession(true).keepAlive(1)
                .simpleAuth().username("fuzz").password(PASSWORD).applySimpleAuth()
                .willPublish().topic("fuzz/will").payload("gone".getBytes()).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .applyWillPublish().send();
        try (var publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().addSubscription().topicFilter("fuzz/#").qos(MqttQos.EXACTLY_ONCE).applySubscription()
                    .addSubscription().topicFilter("fuzz/+/x").qos(MqttQos.AT_MOST_ONCE).applySubscription().send();
            for (MqttQos qos : MqttQos.values()) {
                client.publishWith().topic("fuzz/q" + qos.getCode()).payload(("{\"qos\":" + qos.getCode() + "}").getBytes())
                        .qos(qos).retain(qos == MqttQos.EXACTLY_ONCE).send();
            }
            for (int i = 0; i < 3; i++) {
                assertThat(publishes.receive(10, TimeUnit.SECONDS)).isPresent();
            }
            client.unsubscribeWith().topicFilter("fuzz/#").send();
            Thread.sleep(1_600);
        }
        client.disconnect();
    }

    /** As {@link #hivemq3()}, with MQTT 5's properties: session expiry, user properties, content type, response topic. */
    private void hivemq5() throws Exception {
        Mqtt5BlockingClient client = com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion5()
                .identifier("fuzz-hivemq5").serverHost("127.0.0.1").serverPort(proxy.port()).buildBlocking();
        client.connectWith().cleanStart(true).keepAlive(1).sessionExpiryInterval(60)
                .userProperties().add("fleet", "fuzz").applyUserProperties()
                .simpleAuth().username("fuzz").password(PASSWORD).applySimpleAuth()
                .willPublish().topic("fuzz/will").payload("gone".getBytes()).qos(MqttQos.AT_LEAST_ONCE)
                .delayInterval(5).contentType("text/plain").applyWillPublish().send();
        try (var publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().addSubscription().topicFilter("fuzz/#").qos(MqttQos.EXACTLY_ONCE).noLocal(false)
                    .retainHandling(Mqtt5RetainHandling.SEND).retainAsPublished(true).applySubscription()
                    .addSubscription().topicFilter("fuzz/+/x").qos(MqttQos.AT_MOST_ONCE).applySubscription().send();
            for (MqttQos qos : MqttQos.values()) {
                client.publishWith().topic("fuzz/q" + qos.getCode()).payload(("{\"qos\":" + qos.getCode() + "}").getBytes())
                        .qos(qos).retain(qos == MqttQos.EXACTLY_ONCE).messageExpiryInterval(60)
                        .contentType("application/json").responseTopic("fuzz/reply").correlationData(new byte[] { 1, 2, 3 })
                        .userProperties().add("k", "v").applyUserProperties().send();
            }
            for (int i = 0; i < 3; i++) {
                assertThat(publishes.receive(10, TimeUnit.SECONDS)).isPresent();
            }
            client.unsubscribeWith().topicFilter("fuzz/#").send();
            Thread.sleep(1_600);
        }
        client.disconnectWith().reasonString("done").send();
    }

    private void paho(int version) throws Exception {
        String id = version == MqttConnectOptions.MQTT_VERSION_3_1 ? "fuzz-paho31" : "fuzz-paho311";
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + proxy.port(), id, new MemoryPersistence());
        CountDownLatch received = new CountDownLatch(3);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.countDown();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(version);
        options.setCleanSession(true);
        options.setKeepAliveInterval(1);
        options.setUserName("fuzz");
        options.setPassword(new String(PASSWORD, StandardCharsets.UTF_8).toCharArray());
        options.setWill("fuzz/will", "gone".getBytes(), 1, false);
        client.connect(options);
        client.subscribe(new String[] { "fuzz/#", "fuzz/+/x" }, new int[] { 2, 0 });
        for (int qos = 0; qos <= 2; qos++) {
            client.publish("fuzz/q" + qos, ("{\"qos\":" + qos + "}").getBytes(), qos, qos == 2);
        }
        assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
        client.unsubscribe("fuzz/#");
        Thread.sleep(1_600);
        client.disconnect();
        client.close();
    }

    /**
     * mosquitto_sub taking four messages (the QoS 2 one the clients before retained, then one at each QoS), and
     * mosquitto_pub sending one at each QoS: four connections. Counting all four makes the recording the same on
     * every run: with three, mosquitto_sub left while the last QoS 2 message was on its way, and whether its
     * PUBLISH and the DISCONNECT were recorded depended on timing.
     */
    private void mosquittoClients(List<Corpus.Session> sessions, String level) throws Exception {
        String version = switch (level) {
            case "3.1" -> "mqttv31";
            case "3.1.1" -> "mqttv311";
            default -> "mqttv5";
        };
        String suffix = level.replace(".", "");
        List<String> common = List.of("-h", "127.0.0.1", "-p", Integer.toString(proxy.port()), "-V", version,
                "-u", "fuzz", "-P", new String(PASSWORD, StandardCharsets.UTF_8));
        List<String> sub = new ArrayList<>(List.of(RequiredTools.path("mosquitto_sub")));
        sub.addAll(common);
        sub.addAll(List.of("-i", "fuzz-sub" + suffix, "-q", "2", "-t", "fuzz/#", "-t", "fuzz/+/x", "-C", "4",
                "--will-topic", "fuzz/will", "--will-payload", "gone", "--will-qos", "1"));
        if (level.equals("5")) {
            sub.addAll(List.of("-D", "connect", "user-property", "fleet", "fuzz", "-D", "subscribe", "user-property", "k", "v"));
        }
        int before = proxy.recordings().size();
        Process subscriber = new ProcessBuilder(sub).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (proxy.recordings().size() == before || proxy.recordings().get(before).fromBroker.size() < 4 + 5) {
            assertThat(System.nanoTime()).as("mosquitto_sub subscribed").isLessThan(deadline);
            Thread.sleep(50); // CONNACK and SUBACK seen: the subscription is in place
        }
        List<RecordingProxy.Recording> subscriberConnection = List.of(proxy.recordings().get(before));
        for (int qos = 0; qos <= 2; qos++) {
            List<String> pub = new ArrayList<>(List.of(RequiredTools.path("mosquitto_pub")));
            pub.addAll(common);
            pub.addAll(List.of("-i", "fuzz-pub" + suffix + "q" + qos, "-q", Integer.toString(qos), "-t", "fuzz/q" + qos,
                    "-m", "{\"qos\":" + qos + "}"));
            if (qos == 2) {
                pub.add("-r");
            }
            if (level.equals("5")) {
                pub.addAll(List.of("-D", "publish", "content-type", "application/json", "-D", "publish",
                        "message-expiry-interval", "60", "-D", "publish", "user-property", "k", "v"));
            }
            int publisherBefore = proxy.recordings().size();
            Process publisher = new ProcessBuilder(pub).redirectErrorStream(true).start();
            String output = new String(publisher.getInputStream().readAllBytes());
            assertThat(publisher.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.exitValue()).as("mosquitto_pub: " + output).isZero();
            for (RecordingProxy.Recording recording : proxy.recordings().subList(publisherBefore, proxy.recordings().size())) {
                assertThat(recording.await(10)).isTrue();
                sessions.add(new Corpus.Session("mosquitto_pub-q" + qos, level, true, MqttBytes.split(recording.fromClient.toByteArray())));
                sessions.add(new Corpus.Session("mosquitto_pub-q" + qos, level, false, MqttBytes.split(recording.fromBroker.toByteArray())));
            }
        }
        assertThat(subscriber.waitFor(10, TimeUnit.SECONDS)).as("mosquitto_sub received 4 messages and left").isTrue();
        for (RecordingProxy.Recording recording : subscriberConnection) {
            assertThat(recording.await(10)).isTrue();
            sessions.add(new Corpus.Session("mosquitto_sub", level, true, MqttBytes.split(recording.fromClient.toByteArray())));
            sessions.add(new Corpus.Session("mosquitto_sub", level, false, MqttBytes.split(recording.fromBroker.toByteArray())));
        }
    }
}
