package dev.tributary.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged fleet-stats application (Kafka Streams) as its own process on a free HTTP port, reading
 * the Kafka at {@code bootstrapServers}. Settings are given as system properties. Ready when its
 * streams run ({@code fleet stats streams} UP).
 */
public final class StatsProcess implements AutoCloseable {

    /** The name of the stats application's readiness check of its streams. */
    public static final String READINESS_CHECK = "fleet stats streams";

    private final ServiceProcess process;
    private final int httpPort;

    private StatsProcess(ServiceProcess process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * @param name the log file's name ({@code <name>.log} in {@code work})
     * @param settings {@code tributary.stats.*}, {@code kafka.*} and other keys, as system properties
     */
    public static StatsProcess start(Path root, Path work, String name, String bootstrapServers, Map<String, String> settings,
            List<String> jvmOptions) throws IOException {
        int httpPort = ServiceProcess.freePort();
        List<String> options = new ArrayList<>(jvmOptions);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", bootstrapServers);
        properties.put("quarkus.http.port", Integer.toString(httpPort));
        properties.put("tributary.stats.state-dir", work.resolve(name + "-state").toAbsolutePath().toString());
        properties.putAll(settings);
        properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
        ProcessBuilder command = ServiceProcess.quarkusApp(root, "fleet-stats", options);
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        ServiceProcess process = ServiceProcess.start(name, command, work.resolve(name + ".log"),
                ServiceProcess.Readiness.portOpenAndCheckUp(httpPort, ready, READINESS_CHECK));
        return new StatsProcess(process, httpPort);
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
