package dev.tributary.ctl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** auth-service's admin API as the admin user (HTTP Basic); every failure becomes a {@link CtlException}. */
final class AuthClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final boolean insecure;
    private final Supplier<AdminPassword.Found> password;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AdminPassword.Found found;

    AuthClient(String url, boolean insecure, Supplier<AdminPassword.Found> password) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.insecure = insecure;
        this.password = password;
    }

    /** Basic credentials over plain HTTP are readable on the way: only to this machine, unless --insecure. */
    private void requireSafeTransport(URI uri) {
        if (insecure || "https".equals(uri.getScheme())) {
            return;
        }
        String host = uri.getHost();
        boolean local = host.equalsIgnoreCase("localhost");
        if (!local && (host.matches("[0-9.]+") || host.startsWith("["))) {
            try {
                local = java.net.InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, not looked up
            } catch (java.net.UnknownHostException e) {
                local = false;
            }
        }
        if (!local) {
            throw new CtlException(Ctl.USAGE, "--url " + url + " would send the admin password over plain HTTP to another "
                    + "machine: use https://, or --insecure to do it anyway");
        }
    }

    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    JsonNode json(String method, String path, Object body) {
        try {
            return send(method, path, body == null ? null : JSON.writeValueAsString(body), "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    JsonNode text(String path, String body) {
        return send("POST", path, body, "text/plain");
    }

    /** The response's JSON (a missing node for an empty body), or a CtlException with the right exit code. */
    JsonNode send(String method, String path, String body, String contentType) {
        URI uri;
        try {
            uri = URI.create(url + path);
        } catch (IllegalArgumentException e) {
            throw new CtlException(Ctl.USAGE, "--url " + url + " is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new CtlException(Ctl.USAGE, "--url " + url + " is not an http:// or https:// URL");
        }
        requireSafeTransport(uri);
        if (found == null) {
            found = password.get();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + found.password()).getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("connection timed out");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within 60 s");
        } catch (ConnectException e) {
            throw unreachable("connection refused");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted");
        }
        return answer(method, path, response);
    }

    private JsonNode answer(String method, String path, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = parse(response.body());
        if (status >= 200 && status < 300 && json != null) {
            return json;
        }
        String reason = json != null && json.hasNonNull("error") ? json.get("error").asText() : null;
        if (status == 401 || status == 403) {
            throw new CtlException(Ctl.NOT_AUTHENTICATED, "the auth service at " + url + " refused the admin password from "
                    + found.source());
        }
        if (status < 400 || status >= 500 || status == 404 && reason == null) {
            throw new CtlException(Ctl.UNREACHABLE, (status >= 500 ? "the auth service at " + url + " failed" : url + " answered")
                    + " " + status + " to " + method + " " + path
                    + (reason != null ? ": " + reason : status >= 500 ? "" : ": is it a Tributary auth service?"));
        }
        if (reason == null) {
            reason = "the auth service refused " + method + " " + path + " (" + status + ")";
        }
        throw new CtlException(Ctl.REFUSED, reason);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private CtlException unreachable(String why) {
        return new CtlException(Ctl.UNREACHABLE, "cannot reach the auth service at " + url + ": " + why);
    }
}
