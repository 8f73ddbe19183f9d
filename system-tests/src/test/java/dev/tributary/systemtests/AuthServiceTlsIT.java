package dev.tributary.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;
import dev.tributary.testsupport.TestCertificates;

/**
 * The admin API over TLS, configured with Quarkus' own settings as docs/security.md says: the admin
 * password crosses the network encrypted, and with plain HTTP turned off nothing answers in the clear.
 */
class AuthServiceTlsIT {

    private static ServiceProcess authService;
    private static HttpClient trusting;
    private static int httpsPort;
    private static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("auth-tls");
        TestCertificates certificates = TestCertificates.in(work.resolve("tls"), "unused-client");
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, certificates.trustManagerFactory().getTrustManagers(), null);
        trusting = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(3)).build();
        httpPort = ServiceProcess.freePort();
        httpsPort = ServiceProcess.freePort();
        ProcessBuilder command = ServiceProcess.quarkusApp(ServiceProcess.root(), "auth-service", List.of("-Xmx256m"));
        command.environment().putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.get().bootstrapServers(),
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "QUARKUS_HTTP_SSL_PORT", Integer.toString(httpsPort),
                "QUARKUS_HTTP_SSL_CERTIFICATE_FILES", certificates.serverCertificate().toString(),
                "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES", certificates.serverKey().toString(),
                "QUARKUS_HTTP_INSECURE_REQUESTS", "disabled",
                "TRIBUTARY_AUTH_TOPIC", "tributary.auth.tls-it",
                "TRIBUTARY_AUTH_ADMIN_PASSWORD", Http.ADMIN_PASSWORD,
                "TRIBUTARY_AUTH_TOKENS_KEY_FILE", work.resolve("token-signing-key.pem").toString()));
        authService = ServiceProcess.start("auth-service", command, work.resolve("auth-service.log"),
                () -> get("https://127.0.0.1:" + httpsPort + "/q/health/ready", null) == 200);
    }

    @AfterAll
    static void stop() {
        if (authService != null) {
            authService.close();
        }
    }

    private static int get(String url, String basic) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3));
        if (basic != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return trusting.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void theAdminApiAnswersOverHttps_withTheAdminCredentials() {
        String principals = "https://127.0.0.1:" + httpsPort + "/api/principals";
        assertThat(get(principals, Http.ADMIN + ":" + Http.ADMIN_PASSWORD)).isEqualTo(200);
        assertThat(get(principals, Http.ADMIN + ":wrong")).isEqualTo(401);
    }

    @Test
    void withPlainHttpTurnedOff_nothingAnswersInTheClear() {
        Throwable plain = catchThrowable(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/principals"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()));
        assertThat(plain).as("no plain HTTP listener").isInstanceOf(IOException.class);
    }
}
