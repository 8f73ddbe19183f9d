package dev.tributary.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * auth-service's API as curl would call it: JSON or text bodies, HTTP Basic when credentials are
 * given. Used by auth-service's own tests and by the system tests that run it as a process.
 */
public final class Http {

    public static final String ADMIN = "admin";
    /** auth-service's admin password in its %test profile; the system tests start it with the same. */
    public static final String ADMIN_PASSWORD = "test-admin-secret";

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final String base;

    public Http(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public HttpResponse<String> call(String method, String path, String body, String contentType, String user, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    public HttpResponse<String> admin(String method, String path, String json) {
        return call(method, path, json, "application/json", ADMIN, ADMIN_PASSWORD);
    }

    public HttpResponse<String> adminText(String path, String text) {
        return call("POST", path, text, "text/plain", ADMIN, ADMIN_PASSWORD);
    }

    public HttpResponse<String> anonymous(String method, String path, String json) {
        return call(method, path, json, "application/json", null, null);
    }
}
