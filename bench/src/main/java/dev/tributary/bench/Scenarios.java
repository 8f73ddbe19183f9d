package dev.tributary.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import dev.tributary.testsupport.MqttBytes;
import dev.tributary.testsupport.ServiceProcess;

/** The load shapes of the benchmark, each against a running broker. */
final class Scenarios {

    /** One line of the results table. */
    record Result(String scenario, String broker, double rate, String unit, long sent, long received, long lost, String note) {
    }

    private static final int PAYLOAD = 64;

    private final BrokerProcess broker;

    Scenarios(BrokerProcess broker) {
        this.broker = broker;
    }

    /**
     * {@code publishers} clients publish as fast as their window allows for {@code duration} to
     * {@code bench/<n>}; one subscriber on {@code bench/#} counts what arrives.
     */
    Result fanIn(String name, int publishers, MqttQos qos, int window, Duration duration) throws Exception {
        return fanIn(name, broker.name(), broker.port(), "bench/#", List.of(broker.port()), publishers, qos, window,
                duration, () -> { });
    }

    /**
     * Fan-in over several brokers that form one: publisher {@code n} connects to
     * {@code publisherPorts[n % size]} and publishes to {@code bench/<n>} as fast as its window allows; one
     * subscriber on {@code filter} at {@code subscriberPort} counts what arrives. {@code subscribed} runs
     * between the subscription and the first message, e.g. to wait until the other brokers know of it.
     */
    static Result fanIn(String name, String brokerName, int subscriberPort, String filter, List<Integer> publisherPorts,
            int publishers, MqttQos qos, int window, Duration duration, Runnable subscribed) throws Exception {
        RawSubscriber subscriber = new RawSubscriber(subscriberPort, "sub-" + name, filter, qos.getCode(), null);
        subscribed.run();
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
            Mqtt3AsyncClient c = client("pub-" + name + "-" + i, publisherPorts.get(i % publisherPorts.size()));
            c.connect().get(10, TimeUnit.SECONDS);
            clients.add(c);
        }
        long start = System.nanoTime();
        long sent = drive(clients, qos, window, duration, i -> "bench/" + i);
        long lost = awaitDrained(subscriber.received, sent);
        double seconds = (subscriber.lastReceivedNanos - start) / 1e9;
        long received = subscriber.received.sum();
        disconnect(clients);
        subscriber.close();
        return new Result(name, brokerName, received / seconds, "msg/s", sent, received, lost,
                publishers + " publishers, QoS " + qos.getCode() + ", window " + window);
    }

    /** One publisher, {@code subscribers} subscribers of the same topic: deliveries per second. */
    Result fanOut(int subscribers, MqttQos qos, int window, Duration duration) throws Exception {
        LongAdder received = new LongAdder();
        List<RawSubscriber> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            subs.add(new RawSubscriber(broker.port(), "fan-sub-" + i, "fanout/topic", qos.getCode(), null));
        }
        Mqtt3AsyncClient publisher = client("fan-pub");
        publisher.connect().get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        long sent = drive(List.of(publisher), qos, window, duration, i -> "fanout/topic");
        long expected = sent * subscribers;
        long lost = awaitDrained(() -> subs.stream().mapToLong(s -> s.received.sum()).sum(), expected);
        long last = subs.stream().mapToLong(s -> s.lastReceivedNanos).max().orElse(start);
        long total = subs.stream().mapToLong(s -> s.received.sum()).sum();
        publisher.disconnect().get(10, TimeUnit.SECONDS);
        for (RawSubscriber s : subs) {
            s.close();
        }
        return new Result("fan-out 1->" + subscribers, broker.name(), total / ((last - start) / 1e9), "deliveries/s",
                sent, total, lost, "QoS " + qos.getCode() + ", window " + window);
    }

    /** Publishes at a fixed {@code rate} and measures publish-to-delivery time in this process. */
    Result latency(int rate, Duration duration) throws Exception {
        Latencies l = latency(broker.port(), broker.port(), MqttQos.AT_MOST_ONCE, rate, duration, () -> { });
        return new Result("latency @" + rate + "/s", broker.name(), l.percentileMicros(0.50), "µs p50", l.sent(),
                l.received(), l.lost(), String.format("p99 %.0f µs, max %.0f µs, QoS 0, host steal %.0f %%",
                        l.percentileMicros(0.99), l.percentileMicros(1.0), l.hostSteal()));
    }

    /**
     * Publish-to-delivery times of one stream at a fixed rate, in nanoseconds, sorted, without the
     * first second's (both ends warm up in it); how many were sent, arrived and went missing; the
     * share of CPU the host stole meanwhile.
     */
    record Latencies(long[] sortedNanos, long sent, long received, long lost, double seconds, double hostSteal) {

        double percentileMicros(double p) {
            return Pacing.percentile(sortedNanos, p) / 1e3;
        }

        double percentileMillis(double p) {
            return Pacing.percentile(sortedNanos, p) / 1e6;
        }

        /** Messages received per second of the stream. */
        double rate() {
            return received / seconds;
        }
    }

    /**
     * One publisher at {@code publisherPort} sends {@code rate} messages a second for {@code duration}
     * to {@code latency/topic}, each carrying its index and the time it was sent; one subscriber at
     * {@code subscriberPort} (the same broker, or another one of the same cluster) times each arrival
     * in this process. Publisher and subscriber use {@code qos}. {@code subscribed} runs between the
     * subscription and the first message.
     */
    static Latencies latency(int publisherPort, int subscriberPort, MqttQos qos, int rate, Duration duration,
            Runnable subscribed) throws Exception {
        int total = (int) (rate * duration.toSeconds());
        long[] latencies = new long[total];
        RawSubscriber subscriber = new RawSubscriber(subscriberPort, "lat-sub-" + subscriberPort, "latency/topic", qos.getCode(), bytes -> {
            long now = System.nanoTime();
            ByteBuffer payload = ByteBuffer.wrap(bytes);
            int index = payload.getInt();
            latencies[index] = now - payload.getLong();
        });
        subscribed.run();
        Mqtt3AsyncClient publisher = client("lat-pub-" + publisherPort, publisherPort);
        publisher.connect().get(10, TimeUnit.SECONDS);

        HostSteal steal = HostSteal.now();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            Pacing.awaitSlot(start, rate, i);
            ByteBuffer payload = ByteBuffer.allocate(PAYLOAD);
            payload.putInt(i).putLong(System.nanoTime());
            publisher.publishWith().topic("latency/topic").qos(qos).payload(payload.array()).send();
        }
        long lost = awaitDrained(subscriber.received, total);
        double seconds = (subscriber.lastReceivedNanos - start) / 1e9;
        long received = subscriber.received.sum();
        double stolen = HostSteal.now().percentSince(steal);
        publisher.disconnect().get(10, TimeUnit.SECONDS);
        subscriber.close();
        // the first second warms both sides up and is left out
        long[] measured = Arrays.stream(latencies, Math.min(rate, total), total).filter(l -> l > 0).sorted().toArray();
        return new Latencies(measured, total, received, lost, seconds, stolen);
    }

    /**
     * Opens {@code count} idle MQTT connections and reports the broker's resident memory per connection.
     * A tenth as many connections are opened and closed first, so one-time costs (classes loaded and
     * code compiled for the connect path) are not charged to the connections measured.
     */
    Result idleConnections(int count) throws Exception {
        List<Socket> warmUp = new ArrayList<>();
        try {
            openIdle(Math.max(100, count / 10), "warm-up-", warmUp);
        } finally {
            closeAll(warmUp);
        }
        long heapBefore = broker.liveHeapBytes();
        double settled = broker.settle();
        long before = broker.rssKib();
        boolean nmt = System.getProperty(BrokerProcess.EDGE_JVM_OPTIONS, "").contains("NativeMemoryTracking");
        if (nmt) {
            broker.jcmd("VM.native_memory baseline");
        }
        List<Socket> sockets = new ArrayList<>(count);
        try {
            openIdle(count, "idle-", sockets);
            settled += broker.settle();
            long after = broker.rssKib();
            if (nmt) {
                System.out.println(broker.jcmd("VM.native_memory summary.diff"));
            }
            double perConnection = (after - before) * 1024.0 / count;
            String heap = broker.isJvm()
                    ? String.format(", live heap %.0f bytes/conn", (broker.liveHeapBytes() - heapBefore) / (double) count)
                    : "";
            return new Result("idle connections", broker.name(), perConnection, "RSS B/conn", count, sockets.size(), 0,
                    String.format("RSS %d → %d MiB%s; %.0f s waited for the JIT to rest", before / 1024, after / 1024,
                            heap, settled));
        } finally {
            closeAll(sockets);
        }
    }

    private void openIdle(int count, String idPrefix, List<Socket> into) throws IOException {
        byte[] connack = new byte[4];
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket("127.0.0.1", broker.port());
            into.add(socket);
            OutputStream out = socket.getOutputStream();
            out.write(MqttBytes.connect(idPrefix + i, 600));
            out.flush();
            if (socket.getInputStream().readNBytes(connack, 0, 4) != 4 || connack[3] != 0) {
                throw new IOException("connection " + idPrefix + i + " refused");
            }
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    // ------------------------------------------------------------ helpers

    interface TopicFor {
        String topic(int publisher);
    }

    /** Every client publishes with at most {@code window} unfinished sends, until {@code duration} is over. */
    private static long drive(List<Mqtt3AsyncClient> clients, MqttQos qos, int window, Duration duration, TopicFor topics)
            throws InterruptedException {
        LongAdder sent = new LongAdder();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Mqtt3AsyncClient client = clients.get(i);
            String topic = topics.topic(i);
            Semaphore inflight = new Semaphore(window);
            Thread t = new Thread(() -> {
                byte[] payload = new byte[PAYLOAD];
                try {
                    while (System.nanoTime() < end) {
                        inflight.acquire();
                        CompletableFuture<?> f = client.publishWith().topic(topic).qos(qos).payload(payload).send();
                        f.whenComplete((r, e) -> {
                            if (e == null) {
                                sent.increment();
                            }
                            inflight.release();
                        });
                    }
                    inflight.acquire(window); // wait for the last ones
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "publisher-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return sent.sum();
    }

    /** Waits until {@code expected} messages arrived or nothing arrived for 3 s; returns how many are missing. */
    private static long awaitDrained(LongAdder received, long expected) {
        return awaitDrained(received::sum, expected);
    }

    private static long awaitDrained(java.util.function.LongSupplier received, long expected) {
        long last = -1;
        long stillSince = System.nanoTime();
        while (received.getAsLong() < expected) {
            long now = received.getAsLong();
            if (now != last) {
                last = now;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > TimeUnit.SECONDS.toNanos(3)) {
                break;
            }
            ServiceProcess.sleep(20);
        }
        return Math.max(0, expected - received.getAsLong());
    }

    private Mqtt3AsyncClient client(String id) {
        return client(id, broker.port());
    }

    private static Mqtt3AsyncClient client(String id, int port) {
        return MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1").serverPort(port).buildAsync();
    }

    private static void disconnect(List<Mqtt3AsyncClient> clients) {
        CompletableFuture.allOf(clients.stream().map(c -> c.disconnect()).toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS).join();
    }
}
