package dev.tributary.bench.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.tributary.testsupport.ControlClient;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;

/**
 * {@code ./tributary fuzz [packets] [options]}: the mutation fuzzer against a running edge (by
 * default the one {@code ./tributary up} starts), or with {@code --local} against a packaged edge it
 * starts itself. Prints packets sent, connections, edge crashes and the edge's resident memory at
 * start and end; exits 1 when the edge crashed (or, with --local, reported a buffer leak).
 */
public final class FuzzCommand {

    private static final String USAGE = """
            usage: ./tributary fuzz [packets] [options]     (packets: default 100000)
              --host H           the edge's address (default 127.0.0.1)
              --port P           its MQTT port (default 1883)
              --ws-port P        its MQTT-over-WebSocket port (default 9001; 0: TCP only)
              --ws-path PATH     the WebSocket path (default /mqtt)
              --http-port P      its HTTP port, for the liveness check /q/health/live (default 8081; 0: none)
              --pid PID          the edge's process, for its resident memory (default: the process of this machine
                                 listening on the MQTT port, found in /proc/net/tcp and /proc/PID/fd)
              --seed N           the run's seed: the same seed sends the same bytes (default: from the clock)
              --threads N        connections at once (default 8)
              --user U           the control client's user name; with --password-file F, its password
              --local            start a packaged edge of its own on free ports (no authentication, no Kafka,
                                 Netty's paranoid leak detection) and fuzz it; its log is checked for leak reports
            """;

    private FuzzCommand() {
    }

    public static void main(String[] args) throws Exception {
        long packets = 100_000;
        String host = "127.0.0.1";
        int port = 1883;
        int webSocketPort = 9001;
        String path = "/mqtt";
        int httpPort = 8081;
        long pid = -1;
        long seed = System.currentTimeMillis();
        int threads = 8;
        String user = null;
        String password = null;
        boolean local = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--ws-port" -> webSocketPort = Integer.parseInt(args[++i]);
                case "--ws-path" -> path = args[++i];
                case "--http-port" -> httpPort = Integer.parseInt(args[++i]);
                case "--pid" -> pid = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--user" -> user = args[++i];
                case "--password-file" -> password = Files.readString(Path.of(args[++i])).strip();
                case "--local" -> local = true;
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    if (arg.startsWith("-") || !arg.chars().allMatch(Character::isDigit)) {
                        System.err.print("unknown argument " + arg + "\n" + USAGE);
                        System.exit(2);
                    }
                    packets = Long.parseLong(arg);
                }
            }
        }
        byte[] control = ControlClient.connectPacket("fuzz-control", user, password);
        if (!local) {
            if (pid < 0 && (host.equals("127.0.0.1") || host.equals("localhost"))) {
                pid = EdgeWatch.pidListeningOn(port);
            }
            Fuzzer.Settings settings = new Fuzzer.Settings(host, port, webSocketPort, path, packets, seed, threads, pid,
                    httpPort, control);
            System.exit(print(run(settings)) ? 0 : 1);
        }
        Path root = ServiceProcess.root();
        Path work = Files.createTempDirectory("tributary-fuzz");
        List<String> options = new ArrayList<>(EdgeProcess.jvmOptions(root));
        options.add("-Dio.netty.leakDetection.level=paranoid");
        boolean ok;
        try (EdgeProcess edge = EdgeProcess.builder(root, work).jvmOptions(options).start()) {
            ok = print(run(new Fuzzer.Settings("127.0.0.1", edge.port(), edge.webSocketPort(), "/mqtt", packets, seed, threads,
                    edge.process().pid(), edge.httpPort(), control)));
            long leaks = leakReports(edge.process().log());
            System.out.printf("%-22s %d%n", "Netty leak reports", leaks);
            ok &= leaks == 0;
        }
        System.out.println("edge log: " + work.resolve("tributary.log"));
        System.exit(ok ? 0 : 1);
    }

    private static Fuzzer.Report run(Fuzzer.Settings settings) throws InterruptedException {
        System.out.printf("fuzzing %s:%d%s with %,d packets, seed %d, %d threads, edge pid %s%n", settings.host(), settings.port(),
                settings.webSocketPort() > 0 ? " and ws://" + settings.host() + ":" + settings.webSocketPort() + settings.webSocketPath() : "",
                settings.packets(), settings.seed(), settings.threads(), settings.pid() < 0 ? "unknown (no RSS)" : settings.pid());
        Fuzzer.Settings effective = settings.webSocketPort() > 0 ? settings
                : new Fuzzer.Settings(settings.host(), settings.port(), settings.port(), settings.webSocketPath(), settings.packets(),
                        settings.seed(), settings.threads(), settings.pid(), settings.httpPort(), settings.controlConnect());
        return new Fuzzer(effective, Corpus.load()).run(System.out);
    }

    /** Prints the report; true when the edge did not crash. */
    private static boolean print(Fuzzer.Report r) {
        System.out.printf("%-22s %,d%n", "packets sent", r.packets());
        System.out.printf("%-22s %,d (%,d over WebSocket), %,d ended in an error%n", "connections", r.connections(),
                r.webSocketConnections(), r.errors());
        System.out.printf("%-22s %d%s%n", "edge crashes", r.crashes(),
                r.crash() == null ? "" : ": " + r.crash() + " (by connection " + r.crashedConnection() + ")");
        System.out.printf("%-22s %s at start, %s at end%n", "edge resident memory", mib(r.rssStartKib()), mib(r.rssEndKib()));
        System.out.printf("%-22s %d answered, p50 %.1f ms, max %.1f ms%n", "control CONNECTs", r.controlLatencies().size(),
                r.controlLatencyMedian().toNanos() / 1e6, r.controlLatencyMax().toNanos() / 1e6);
        System.out.printf("%-22s %.1f s%n", "duration", r.duration().toMillis() / 1000.0);
        System.out.printf("%-22s %d (the same seed sends the same bytes again)%n", "seed", r.seed());
        return r.crashes() == 0;
    }

    private static String mib(long kib) {
        return kib < 0 ? "unknown" : String.format("%.0f MiB", kib / 1024.0);
    }

    /** Netty's leak reports in an edge log ("LEAK: ByteBuf.release() was not called"). */
    public static long leakReports(Path log) throws IOException {
        return new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1).lines()
                .filter(l -> l.contains("LEAK:")).count();
    }
}
