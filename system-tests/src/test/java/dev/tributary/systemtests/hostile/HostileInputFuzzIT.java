package dev.tributary.systemtests.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tributary.bench.fuzz.Corpus;
import dev.tributary.bench.fuzz.FuzzCommand;
import dev.tributary.bench.fuzz.Fuzzer;
import dev.tributary.testsupport.ControlClient;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ProcessMemory;
import dev.tributary.testsupport.ServiceProcess;

/**
 * The CI run of the hostile-input suite: 100,000 mutated packets of real clients' sessions
 * ({@code ./tributary fuzz}) against the packaged edge over TCP and WebSocket. Bad input costs the
 * client its connection and never the node [DESIGN: Bad input]: no crash, no buffer leak, a control
 * client served throughout, and memory within the bounds of docs/security.md.
 */
class HostileInputFuzzIT {

    private static final long PACKETS = 100_000;
    /** Fixed so that a failure in CI replays exactly (./tributary fuzz 100000 --local --seed …); -Dtributary.fuzz.seed to vary. */
    private static final long SEED = Long.getLong("tributary.fuzz.seed", 20261202L);
    /** Live objects after a full collection, end against start. */
    private static final long LIVE_HEAP_GROWTH_BOUND = 32L << 20;
    /** Resident memory, end against start: the heap grows from its 32 MiB start under load, and the JIT's code cache with it. */
    private static final long RSS_GROWTH_BOUND_KIB = 256L << 10;

    @Test
    void aHundredThousandMutatedPackets_neitherCrashNorLeak_andTheEdgeKeepsServingAControlClient() throws Exception {
        Path root = ServiceProcess.root();
        Path work = Files.createTempDirectory("fuzz-it");
        List<String> options = new ArrayList<>(EdgeProcess.jvmOptions(root));
        options.add("-Dio.netty.leakDetection.level=paranoid");
        try (EdgeProcess edge = EdgeProcess.builder(root, work).jvmOptions(options).start()) {
            long pid = edge.process().pid();
            long heapBefore = ProcessMemory.liveHeapBytes(pid);
            Fuzzer.Report report = new Fuzzer(new Fuzzer.Settings("127.0.0.1", edge.port(), edge.webSocketPort(), "/mqtt",
                    PACKETS, SEED, 4, pid, edge.httpPort(), ControlClient.connectPacket("fuzz-control", null, null)),
                    Corpus.load()).run(System.out);
            long heapAfter = ProcessMemory.liveHeapBytes(pid);
            // Netty reports a leaked buffer when it tracks its next allocation after the collection
            ControlClient.connect("127.0.0.1", edge.port(), null, ControlClient.connectPacket("after", null, null),
                    java.time.Duration.ofSeconds(5));
            System.out.printf("fuzz: %,d packets, %,d connections (%,d WebSocket), seed %d, %.1f s; RSS %,d → %,d KiB; "
                    + "live heap %,d → %,d B; control CONNACK p50 %.1f ms, max %.1f ms over %d probes%n",
                    report.packets(), report.connections(), report.webSocketConnections(), SEED, report.duration().toMillis() / 1e3,
                    report.rssStartKib(), report.rssEndKib(), heapBefore, heapAfter,
                    report.controlLatencyMedian().toNanos() / 1e6, report.controlLatencyMax().toNanos() / 1e6,
                    report.controlLatencies().size());

            assertThat(report.crash()).as("the edge crashed or stopped serving; replay with seed " + SEED).isNull();
            assertThat(report.packets()).isGreaterThanOrEqualTo(PACKETS);
            assertThat(report.webSocketConnections()).isPositive();
            assertThat(report.controlLatencies()).as("control CONNECTs answered during the run").hasSizeGreaterThan(2);
            assertThat(FuzzCommand.leakReports(edge.process().log())).as("Netty leak reports in " + edge.process().log()).isZero();
            assertThat(heapAfter - heapBefore).as("live heap growth, bytes").isLessThan(LIVE_HEAP_GROWTH_BOUND);
            assertThat(report.rssEndKib() - report.rssStartKib()).as("resident memory growth, KiB").isLessThan(RSS_GROWTH_BOUND_KIB);
        }
    }
}
