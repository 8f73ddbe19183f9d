package dev.tributary.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged auth-service as its own process on a free HTTP port, writing the auth topic
 * {@code topic} of the Kafka at {@code bootstrapServers}, with the admin password of {@link Http}
 * and a throw-away token signing key in {@code work}. Ready when its readiness check is UP (it has
 * read the auth topic). Used by the system tests.
 */
public final class AuthServiceProcess implements AutoCloseable {

    private final ServiceProcess process;
    private final String url;

    private AuthServiceProcess(ServiceProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * @param settings further environment variables of the service, e.g. its Kafka login
     *        ({@code KAFKA_SASL_JAAS_CONFIG}) or {@code TRIBUTARY_AUTH_TOKENS_LIFETIME}; they win over the ones set here
     */
    public static AuthServiceProcess start(Path root, Path work, String bootstrapServers, String topic,
            Map<String, String> settings) throws IOException {
        int httpPort = ServiceProcess.freePort();
        ProcessBuilder command = ServiceProcess.quarkusApp(root, "auth-service", List.of("-Xmx256m"));
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "TRIBUTARY_AUTH_TOPIC", topic,
                "TRIBUTARY_AUTH_ADMIN_PASSWORD", Http.ADMIN_PASSWORD,
                "TRIBUTARY_AUTH_TOKENS_KEY_FILE", work.resolve("token-signing-key.pem").toString(),
                // as in auth-service's %test profile: cheap hashes
                "TRIBUTARY_AUTH_PASSWORDS_ITERATIONS", "1000"));
        env.putAll(settings);
        command.environment().putAll(env);
        String url = "http://127.0.0.1:" + httpPort;
        ServiceProcess process = ServiceProcess.start("auth-service", command, work.resolve("auth-service.log"),
                ServiceProcess.Readiness.httpOk(URI.create(url + "/q/health/ready")));
        return new AuthServiceProcess(process, url);
    }

    /** Its admin API, called with the admin credentials it was started with. */
    public Http http() {
        return new Http(url);
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return url;
    }

    public ServiceProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
