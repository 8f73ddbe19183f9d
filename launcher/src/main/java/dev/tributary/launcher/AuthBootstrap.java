package dev.tributary.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.common.io.AtomicFiles;

/**
 * What a fresh local platform needs so that authentication can be on from the first start, done through
 * auth-service's admin API like an operator would: the default ACL (each vehicle its own
 * {@code fleet/<id>/#}, dashboard users read everything, {@code $SYS} included, and send commands), one device per simulated
 * vehicle, and an {@code operator} dashboard user. Credentials are kept under {@code <data>/auth}
 * (owner-only files), so a restart reuses them.
 */
final class AuthBootstrap {

    static final String OPERATOR = "operator";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_ACL = """
            [{"who":"any","topicFilter":"fleet/${username}/#","action":"both","allow":true},
             {"who":"group","name":"dashboard","topicFilter":"#","action":"subscribe","allow":true},
             {"who":"group","name":"dashboard","topicFilter":"$SYS/#","action":"subscribe","allow":true},
             {"who":"group","name":"dashboard","topicFilter":"fleet/+/commands","action":"publish","allow":true}]""";

    private final String authUrl;
    private final String adminAuthorization;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    AuthBootstrap(String authUrl, String adminPassword, Path dir) {
        this.authUrl = authUrl;
        this.adminAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        this.dir = dir;
    }

    /** The admin password: TRIBUTARY_AUTH_ADMIN_PASSWORD, else the one kept in {@code dir}, else a new one kept there. */
    static String adminPassword(Path dir) {
        String configured = System.getenv("TRIBUTARY_AUTH_ADMIN_PASSWORD");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return kept(dir.resolve("admin-password"));
    }

    /** Sets the default ACL if there is none yet. */
    void defaultAcl() {
        JsonNode rules = call("GET", "/api/acl", null, 200);
        if (rules.isEmpty()) {
            call("PUT", "/api/acl", DEFAULT_ACL, 200);
        }
    }

    /** A device per vehicle v1..vN whose password is known here; returns the credentials file for the simulator. */
    Path vehicles(int count) {
        Path file = dir.resolve("fleet-credentials.properties");
        Properties credentials = new Properties();
        try {
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file)) {
                    credentials.load(in);
                }
            }
            for (int i = 1; i <= count; i++) {
                String id = "v" + i;
                if (!credentials.containsKey(id) || !exists(id)) {
                    credentials.setProperty(id, ensure(id, "device", "[\"vehicles\"]"));
                }
            }
            writePrivate(file, out -> credentials.store(out, "MQTT passwords of the simulated vehicles (made by ./tributary up)"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dashboard user's password (kept; created or reset when auth-service does not know it). */
    String operator() {
        Path file = dir.resolve("operator-password");
        try {
            if (Files.exists(file) && exists(OPERATOR)) {
                return Files.readString(file).strip();
            }
            String password = ensure(OPERATOR, "user", "[\"dashboard\"]");
            writePrivate(file, out -> out.write(password));
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean exists(String username) {
        return send("GET", "/api/principals/" + username, null).statusCode() == 200;
    }

    /** Creates the principal with a generated password, or gives an existing one a new password; returns it. */
    private String ensure(String username, String kind, String groups) {
        if (exists(username)) {
            return call("POST", "/api/principals/" + username + "/password", "{}", 200).get("password").asText();
        }
        return call("POST", "/api/principals", "{\"username\":\"" + username + "\",\"kind\":\"" + kind + "\",\"groups\":"
                + groups + "}", 201).get("password").asText();
    }

    private JsonNode call(String method, String path, String json, int expected) {
        HttpResponse<String> response = send(method, path, json);
        if (response.statusCode() != expected) {
            throw new IllegalStateException("auth-service " + method + " " + path + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(authUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", adminAuthorization)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("auth-service unreachable at " + authUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String kept(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            writePrivate(file, out -> out.write(password));
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Content {
        void write(Writer out) throws IOException;
    }

    /** Written readable by the owner only, as any file holding a secret. */
    private static void writePrivate(Path file, Content content) throws IOException {
        StringWriter text = new StringWriter();
        content.write(text);
        AtomicFiles.write(file, text.toString(), true);
    }
}
