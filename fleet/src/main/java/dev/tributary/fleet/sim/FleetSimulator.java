package dev.tributary.fleet.sim;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

/**
 * A fleet of simulated vehicles, each its own MQTT client: JSON telemetry on
 * {@code fleet/<id>/telemetry} every interval, a retained {@code fleet/<id>/status} that a Last
 * Will turns to offline when the vehicle drops off, and commands on {@code fleet/<id>/commands}
 * acknowledged on {@code fleet/<id>/commands/ack}.
 *
 * <pre>
 * ./tributary fleet --vehicles 100 --interval 1
 * </pre>
 */
public final class FleetSimulator implements AutoCloseable {

    private static final byte[] OFFLINE = "{\"online\":false}".getBytes(StandardCharsets.UTF_8);

    private final SimulatorOptions options;
    private final List<SimulatedVehicle> vehicles = new ArrayList<>();
    // read by connected listeners on the client's threads while start() is still adding vehicles
    private final Map<String, Mqtt3AsyncClient> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "fleet-ticker");
        thread.setDaemon(true);
        return thread;
    });
    final AtomicLong published = new AtomicLong();
    final AtomicLong commandsAcknowledged = new AtomicLong();

    private record SimulatedVehicle(Vehicle state, Mqtt3AsyncClient client) {
    }

    private final Properties credentials = new Properties();

    FleetSimulator(SimulatorOptions options) throws IOException {
        this.options = options;
        if (options.credentials() != null) {
            try (Reader in = Files.newBufferedReader(options.credentials())) {
                credentials.load(in);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        SimulatorOptions options;
        try {
            options = SimulatorOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        FleetSimulator fleet = new FleetSimulator(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            stopped.countDown();
        }, "fleet-stop"));
        fleet.start();
        System.out.println("fleet: " + options);
        while (!stopped.await(30, TimeUnit.SECONDS)) {
            System.out.println("fleet: " + fleet.published.get() + " telemetry messages, "
                    + fleet.commandsAcknowledged.get() + " commands acknowledged");
        }
    }

    /** Connects every vehicle, marks it online, and starts the telemetry ticks. */
    void start() throws Exception {
        Route route = new Route(52.52, 13.405, 3.0);
        List<CompletableFuture<?>> connecting = new ArrayList<>();
        for (int i = 1; i <= options.vehicles(); i++) {
            String id = options.idPrefix() + i;
            Vehicle vehicle = new Vehicle(id, new Route(route.centreLat() + (i % 10) * 0.01,
                    route.centreLon() + (i / 10 % 10) * 0.01, 1 + (i % 5)), i);
            Mqtt3AsyncClient client = client(id, options.port(i));
            vehicles.add(new SimulatedVehicle(vehicle, client));
            clients.put(id, client);
            connecting.add(connect(id, client));
        }
        CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long period = options.interval().toMillis();
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A vehicle with its own device account connects as the device ({@code v1}); on a shared account as
     * {@code <account>-v1}: the forms the edge lets a user take ({@code <username>}, {@code <username>-<suffix>}).
     */
    private String clientId(String id) {
        if (credentials.getProperty(id) != null) {
            return id;
        }
        return options.username() != null ? options.username() + "-" + id : "sim-" + id;
    }

    private Mqtt3AsyncClient client(String id, int port) {
        Mqtt3ClientBuilder builder = MqttClient.builder().useMqttVersion3().identifier(clientId(id))
                .serverHost(options.host()).serverPort(port)
                .automaticReconnectWithDefaultConfig()
                // back online after every (re)connect: the will said offline when the link dropped
                .addConnectedListener(context -> markOnline(id));
        if (options.webSocket()) {
            builder = builder.webSocketConfig().serverPath(options.webSocketPath().replaceFirst("^/", "")).applyWebSocketConfig();
        }
        String own = credentials.getProperty(id);
        if (own != null) {
            builder = builder.simpleAuth().username(id).password(own.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        } else if (options.username() != null) {
            builder = builder.simpleAuth().username(options.username())
                    .password(options.password() == null ? new byte[0] : options.password().getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        return builder.buildAsync();
    }

    private CompletableFuture<?> connect(String id, Mqtt3AsyncClient client) {
        return client.connectWith().cleanSession(true).keepAlive(30)
                .willPublish().topic(statusTopic(id)).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(OFFLINE).applyWillPublish()
                .send()
                .thenCompose(ack -> client.subscribeWith().topicFilter("fleet/" + id + "/commands")
                        .qos(MqttQos.AT_LEAST_ONCE).callback(command -> acknowledge(id, client, command)).send());
    }

    private void markOnline(String id) {
        Mqtt3AsyncClient client = clients.get(id);
        if (client != null) {
            client.publishWith().topic(statusTopic(id)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload(("{\"online\":true,\"since\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8))
                    .send();
        }
    }

    private void acknowledge(String id, Mqtt3AsyncClient client, Mqtt3Publish command) {
        String body = new String(command.getPayloadAsBytes(), StandardCharsets.UTF_8);
        String ack = "{\"vehicle\":\"" + id + "\",\"status\":\"done\",\"ts\":" + System.currentTimeMillis()
                + ",\"command\":" + jsonString(body) + "}";
        client.publishWith().topic("fleet/" + id + "/commands/ack").qos(MqttQos.AT_LEAST_ONCE)
                .payload(ack.getBytes(StandardCharsets.UTF_8)).send()
                .thenRun(commandsAcknowledged::incrementAndGet);
    }

    private void tick() {
        double seconds = options.interval().toMillis() / 1000.0;
        MqttQos qos = options.qos() == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE;
        long now = System.currentTimeMillis();
        for (SimulatedVehicle v : vehicles) {
            v.state().step(seconds);
            if (v.client().getState().isConnected()) {
                v.client().publishWith().topic("fleet/" + v.state().id + "/telemetry").qos(qos)
                        .payload(v.state().telemetryJson(now).getBytes(StandardCharsets.UTF_8)).send()
                        .thenRun(published::incrementAndGet);
            }
        }
    }

    /** Marks every vehicle offline (a DISCONNECT discards the will) and disconnects. */
    @Override
    public void close() {
        ticker.shutdownNow();
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (SimulatedVehicle v : vehicles) {
            if (v.client().getState().isConnected()) {
                closing.add(v.client().publishWith().topic(statusTopic(v.state().id)).qos(MqttQos.AT_LEAST_ONCE)
                        .retain(true).payload(OFFLINE).send()
                        .thenCompose(sent -> v.client().disconnect()));
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("fleet: not every vehicle said goodbye: " + e);
        }
    }

    static String statusTopic(String id) {
        return "fleet/" + id + "/status";
    }

    static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
