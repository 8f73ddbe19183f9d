package dev.tributary.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A service's Prometheus metrics at {@code /q/metrics}, as the service processes' tests read them. */
public final class PrometheusScrape {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PrometheusScrape() {
    }

    /** The text of {@code /q/metrics} on {@code httpPort}. */
    public static String text(int httpPort) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The sum of the samples whose line starts with {@code series} (a name, or a name with its first labels), 0 if
     * there is none.
     */
    public static double sum(int httpPort, String series) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : text(httpPort).split("\n")) {
            if (line.startsWith(series)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
