package dev.tributary.bench.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.tributary.testsupport.WebSocketBytes;

/**
 * Sends mutated seed sessions ({@link Mutator}) to an edge over TCP and WebSocket from several
 * threads until the packet budget is spent, while {@link EdgeWatch} checks every second that the
 * edge still serves a control client. Stops at the first sign of a crash.
 */
public final class Fuzzer {

    /** What to attack and how much. {@code pid} -1: not known (RSS not read); {@code httpPort} 0: no liveness check. */
    public record Settings(String host, int port, int webSocketPort, String webSocketPath, long packets, long seed,
            int threads, long pid, int httpPort, byte[] controlConnect) {
    }

    /**
     * What a run did and found. {@code errors}: connections that ended in an I/O error (reset by the edge, upgrade
     * refused, cut after 15 s). Crashes are 0 or 1: a run stops at the first; {@code crashedConnection} is the
     * highest connection number started by then, to replay from.
     */
    public record Report(long seed, long packets, long connections, long webSocketConnections, long errors,
            int crashes, String crash, long crashedConnection, long rssStartKib, long rssEndKib, Duration duration,
            List<Duration> controlLatencies) {

        public Duration controlLatencyMax() {
            return controlLatencies.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        }

        public Duration controlLatencyMedian() {
            List<Duration> sorted = controlLatencies.stream().sorted().toList();
            return sorted.isEmpty() ? Duration.ZERO : sorted.get(sorted.size() / 2);
        }
    }

    /** A connection that takes longer than this is cut (a write blocked on an edge that stopped reading). */
    private static final long ATTEMPT_LIMIT_MILLIS = 15_000;

    private final Settings settings;
    private final Mutator mutator;
    private final EdgeWatch watch;
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong webSocketConnections = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong next = new AtomicLong();
    private final AtomicReference<String> crash = new AtomicReference<>();
    private final AtomicLong lastStarted = new AtomicLong(-1);
    private final List<Duration> latencies = Collections.synchronizedList(new ArrayList<>());

    public Fuzzer(Settings settings, Corpus corpus) {
        this.settings = settings;
        this.mutator = new Mutator(corpus, settings.seed());
        this.watch = new EdgeWatch(settings.host(), settings.port(), settings.pid(), settings.httpPort(), settings.controlConnect());
    }

    /** Runs until {@code packets} are sent or the edge crashes; prints a line of progress every 10 s to {@code progress}. */
    public Report run(PrintStream progress) throws InterruptedException {
        long start = System.nanoTime();
        long rssStart = watch.rssKib();
        String before = watch.problem(latencies);
        if (before != null) {
            throw new IllegalStateException("the edge does not serve before the run: " + before);
        }
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "fuzz-watch");
            t.setDaemon(true);
            return t;
        });
        timers.scheduleWithFixedDelay(() -> {
            String problem = watch.problem(latencies);
            if (problem != null) {
                crash.compareAndSet(null, problem);
            }
        }, 1, 1, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(() -> progress.printf("  %,d packets, %,d connections (%,d WebSocket), %,d ended in an error%n",
                packets.get(), connections.get(), webSocketConnections.get(), errors.get()), 10, 10, TimeUnit.SECONDS);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < settings.threads(); i++) {
            Thread worker = new Thread(() -> work(timers), "fuzz-" + i);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        timers.shutdownNow();
        timers.awaitTermination(20, TimeUnit.SECONDS);
        if (crash.get() == null) {
            // one last look, after the last connection
            String after = watch.problem(latencies);
            if (after != null) {
                crash.compareAndSet(null, after);
            }
        }
        return new Report(settings.seed(), packets.get(), connections.get(), webSocketConnections.get(), errors.get(),
                crash.get() == null ? 0 : 1, crash.get(), crash.get() == null ? -1 : lastStarted.get(), rssStart,
                watch.rssKib(), Duration.ofNanos(System.nanoTime() - start), List.copyOf(latencies));
    }

    private void work(ScheduledExecutorService timers) {
        while (crash.get() == null && packets.get() < settings.packets()) {
            Mutator.Attempt attempt = mutator.attempt(next.getAndIncrement());
            lastStarted.accumulateAndGet(attempt.number(), Math::max);
            try (Socket socket = new Socket()) {
                ScheduledFuture<?> limit = timers.schedule(() -> {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing is the point
                    }
                }, ATTEMPT_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
                try {
                    send(socket, attempt);
                } finally {
                    limit.cancel(false);
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            }
        }
    }

    private void send(Socket socket, Mutator.Attempt attempt) throws IOException {
        SplittableRandom random = new SplittableRandom(attempt.number() ^ 0x5DEECE66DL);
        Random frameRandom = new Random(attempt.number());
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(settings.host(), attempt.webSocket() ? settings.webSocketPort() : settings.port()), 5_000);
        connections.incrementAndGet();
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        if (attempt.webSocket()) {
            webSocketConnections.incrementAndGet();
            out.write(WebSocketBytes.upgradeRequest(settings.host(), settings.webSocketPort(), settings.webSocketPath(), frameRandom));
            out.flush();
            if (WebSocketBytes.readUpgradeResponse(in) != 101) {
                throw new IOException("upgrade refused");
            }
        }
        byte[] bytes = attempt.bytes();
        // written in 1 to 4 pieces cut anywhere, so packets arrive split and joined in every way
        int pieces = 1 + random.nextInt(4);
        int at = 0;
        for (int piece = 1; piece <= pieces; piece++) {
            int end = piece == pieces ? bytes.length : at + random.nextInt(bytes.length - at + 1);
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, end);
            at = end;
            if (attempt.webSocket()) {
                boolean continued = piece > 1 && random.nextInt(4) == 0;
                int opcode = random.nextInt(200) == 0 ? WebSocketBytes.TEXT : continued ? WebSocketBytes.CONTINUATION : WebSocketBytes.BINARY;
                out.write(WebSocketBytes.frame(opcode, true, chunk, frameRandom));
            } else if (chunk.length > 0) {
                out.write(chunk);
            }
            out.flush();
        }
        packets.addAndGet(attempt.packets().size());
        switch (attempt.ending()) {
            case HALF_CLOSE -> {
                socket.shutdownOutput();
                drain(in);
            }
            case WAIT_AND_CLOSE -> {
                socket.setSoTimeout(50);
                drain(in);
            }
            case RESET -> socket.setSoLinger(true, 0);
        }
    }

    /** Reads what the edge answers until it closes or a read times out. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // answers are not checked: the edge only has to survive
            }
        } catch (SocketTimeoutException quiet) {
            // the edge waits for more: the client closes
        }
    }
}
