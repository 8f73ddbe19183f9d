package dev.tributary.systemtests;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.ServiceProcess;

/** The packaged auth-service as the system tests run it: its own process, the test admin password, cheap hashes. */
record AuthServiceRun(ServiceProcess process, Http http) implements AutoCloseable {

    /**
     * @param tokenLifetime  e.g. {@code 4s}: tokens that expire within a test
     */
    static AuthServiceRun start(Path work, String kafka, String authTopic, String tokenLifetime) throws IOException {
        int httpPort = ServiceProcess.freePort();
        ProcessBuilder command = ServiceProcess.quarkusApp(ServiceProcess.root(), "auth-service", List.of("-Xmx256m"));
        command.environment().putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka,
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "TRIBUTARY_AUTH_TOPIC", authTopic,
                "TRIBUTARY_AUTH_ADMIN_PASSWORD", Http.ADMIN_PASSWORD,
                "TRIBUTARY_AUTH_TOKENS_KEY_FILE", work.resolve("token-signing-key.pem").toString(),
                // as in auth-service's %test profile: cheap hashes
                "TRIBUTARY_AUTH_PASSWORDS_ITERATIONS", "1000",
                "TRIBUTARY_AUTH_TOKENS_LIFETIME", tokenLifetime));
        String base = "http://127.0.0.1:" + httpPort;
        ServiceProcess process = ServiceProcess.start("auth-service", command, work.resolve("auth-service.log"),
                ServiceProcess.Readiness.httpOk(URI.create(base + "/q/health/ready")));
        return new AuthServiceRun(process, new Http(base));
    }

    @Override
    public void close() {
        process.close();
    }
}
