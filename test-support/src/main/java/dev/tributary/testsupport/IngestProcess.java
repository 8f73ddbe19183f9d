package dev.tributary.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged ingest-connector as its own process on a free HTTP port, reading the Kafka at
 * {@code bootstrapServers}. Settings are given as system properties, so rules can be written as in
 * application.properties ({@code tributary.ingest.rules[0].source}). Ready when its transactional loop
 * is ({@code ingest transactions} UP). Used by the connector's integration tests and its benchmark.
 */
public final class IngestProcess implements AutoCloseable {

    /** The name of the connector's readiness check of its transactional loop. */
    public static final String READINESS_CHECK = "ingest transactions";

    private final ServiceProcess process;
    private final int httpPort;

    private IngestProcess(ServiceProcess process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * @param name the log file's name ({@code <name>.log} in {@code work})
     * @param settings {@code tributary.ingest.*} and other keys, as system properties
     */
    public static IngestProcess start(Path root, Path work, String name, String bootstrapServers, Map<String, String> settings,
            List<String> jvmOptions) throws IOException {
        int httpPort = ServiceProcess.freePort();
        List<String> options = new ArrayList<>(jvmOptions);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", bootstrapServers);
        properties.put("quarkus.http.port", Integer.toString(httpPort));
        properties.putAll(settings);
        properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
        ProcessBuilder command = ServiceProcess.quarkusApp(root, "ingest-connector", options);
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        ServiceProcess process = ServiceProcess.start(name, command, work.resolve(name + ".log"),
                ServiceProcess.Readiness.portOpenAndCheckUp(httpPort, ready, READINESS_CHECK));
        return new IngestProcess(process, httpPort);
    }

    /**
     * Settings for one JSON rule with the simulated fleet's telemetry schema, {@code raw} → {@code curated},
     * dead letters to {@code deadLetters}, and the other default rules off.
     */
    public static Map<String, String> telemetryRule(String raw, String curated, String deadLetters) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("tributary.ingest.rules[0].source", raw);
        s.put("tributary.ingest.rules[0].target", curated);
        s.put("tributary.ingest.dead-letter-topic", deadLetters);
        for (int i = 1; i <= 3; i++) {
            s.put("tributary.ingest.rules[" + i + "].enabled", "false");
        }
        return s;
    }

    /** The text of its /q/metrics. */
    public String metrics() throws IOException, InterruptedException {
        return PrometheusScrape.text(httpPort);
    }

    /** The sum of the Prometheus samples whose line starts with {@code series}, 0 if absent. */
    public double metric(String series) throws IOException, InterruptedException {
        return PrometheusScrape.sum(httpPort, series);
    }

    public int httpPort() {
        return httpPort;
    }

    public ServiceProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
