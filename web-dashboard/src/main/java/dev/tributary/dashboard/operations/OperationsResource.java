package dev.tributary.dashboard.operations;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.dashboard.auth.ApiAccess;
import dev.tributary.dashboard.auth.TokenCheck;
import dev.tributary.dashboard.config.DashboardConfig;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /api/operations}: each configured service's health ({@code /q/health}) and its {@code tributary_}
 * metrics ({@code /q/metrics}, Prometheus text), fetched now, for users in the operations group. The browser
 * cannot read them itself: the services listen on their own ports, without CORS.
 */
@Path("/api/operations")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** {@code status} UP/DOWN/UNREACHABLE; {@code metrics} name{labels} → value. */
    public record Service(String name, String url, String status, JsonNode checks, Map<String, Double> metrics) {
    }

    private final ApiAccess access;
    private final DashboardConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public OperationsResource(ApiAccess access, DashboardConfig config) {
        this.access = access;
        this.config = config;
    }

    @GET
    @Blocking
    public List<Service> services(@HeaderParam("Authorization") String authorization) {
        TokenCheck.User user = access.caller(authorization);
        access.requireGroup(user, config.operations().group());
        List<CompletableFuture<Service>> asked = new ArrayList<>();
        for (String entry : config.operations().services()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                continue; // "none", or not name=url
            }
            String name = entry.substring(0, eq).trim();
            String url = entry.substring(eq + 1).trim();
            asked.add(CompletableFuture.supplyAsync(() -> service(name, url)));
        }
        return asked.stream().map(CompletableFuture::join).toList();
    }

    private Service service(String name, String url) {
        String status;
        JsonNode checks = null;
        try {
            HttpResponse<String> health = get(url + "/q/health");
            checks = JSON.readTree(health.body()).path("checks");
            status = JSON.readTree(health.body()).path("status").asText(health.statusCode() == 200 ? "UP" : "DOWN");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return new Service(name, url, "UNREACHABLE", null, Map.of());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        try {
            HttpResponse<String> text = get(url + "/q/metrics");
            for (String line : text.body().split("\n")) {
                if (metrics.size() >= config.operations().maxMetricLines()) {
                    break;
                }
                if (!line.startsWith("tributary_")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                try {
                    metrics.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException | StringIndexOutOfBoundsException ignored) {
                    // not a sample line
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // health known, metrics not: shown as such
        }
        return new Service(name, url, status, checks, metrics);
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.body().length() > MAX_BODY_BYTES) {
            throw new IOException(url + " answered more than " + MAX_BODY_BYTES + " bytes");
        }
        return answer;
    }
}
