package dev.tributary.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What every Tributary service answers on its HTTP port, as {@code ./tributary up}, a load
 * balancer and Prometheus rely on: readiness UP at /q/health/ready, Prometheus metrics at
 * /q/metrics. Each service's {@code HealthTest} is a {@code @QuarkusTest} subclass (with the test
 * resources it needs) and names, in {@link #readinessChecks()} and {@link #ownMetrics()}, what is
 * particular to it.
 */
public abstract class HealthContract {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    /** Names of readiness checks this service must report (UP), e.g. its Kafka connection. */
    protected List<String> readinessChecks() {
        return List.of();
    }

    /** Metric names of this service's own that /q/metrics must carry. */
    protected List<String> ownMetrics() {
        return List.of();
    }

    @Test
    public void readinessIsUp_withTheServicesOwnChecks() throws Exception {
        // a check may turn UP a moment after start, e.g. once a replica has read its topic
        HttpResponse<String> response = get(ready);
        for (int i = 0; i < 150 && response.statusCode() != 200; i++) {
            Thread.sleep(200);
            response = get(ready);
        }
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"status\": \"UP\""), response.body());
        for (String check : readinessChecks()) {
            assertTrue(response.body().contains("\"name\": \"" + check + "\""), check + " missing in " + response.body());
        }
    }

    @Test
    public void prometheusMetricsAreServed_withTheServicesOwnMetrics() throws Exception {
        HttpResponse<String> response = get(metrics);
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("jvm_memory_used_bytes"), "no JVM metrics");
        for (String metric : ownMetrics()) {
            assertTrue(response.body().contains(metric), metric + " missing in /q/metrics");
        }
    }

    private static HttpResponse<String> get(URL url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
