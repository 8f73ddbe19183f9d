package dev.tributary.dashboard.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.common.log.Untrusted;
import dev.tributary.dashboard.auth.ApiAccess;
import dev.tributary.dashboard.auth.TokenCheck;
import dev.tributary.dashboard.config.DashboardConfig;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /api/login}: a dashboard user's credentials, exchanged at auth-service for a short-lived
 * token that the page then uses as its MQTT password. Nothing is kept here: no session, no password.
 */
@Path("/api/login")
public class LoginResource {

    private static final Logger LOG = Logger.getLogger(LoginResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FORWARDED_FOR = "X-Forwarded-For";

    public record Login(String username, String password) {
    }

    private final DashboardConfig config;
    private final ApiAccess access;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public LoginResource(DashboardConfig config, ApiAccess access) {
        this.config = config;
        this.access = access;
    }

    /**
     * {@code POST /api/login/refresh}: a fresh token for a page whose token is still valid (checked here first, so
     * one ended by a log out here is refused), from auth-service. The page calls it before its token expires.
     */
    @POST
    @Path("/refresh")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response refresh(@HeaderParam("Authorization") String authorization) throws InterruptedException {
        if (!config.login().enabled()) {
            return Response.status(404).entity(Map.of("error", "login is off on this dashboard")).build();
        }
        access.caller(authorization);
        HttpResponse<String> answer = toAuthService("/api/tokens/refresh", authorization);
        if (answer == null) {
            return Response.status(503).entity(Map.of("error", "the login service is unreachable")).build();
        }
        if (answer.statusCode() == 401) {
            return Response.status(401).entity(Map.of("error", "log in again")).build();
        }
        if (answer.statusCode() != 200) {
            LOG.warnf("auth-service answered %d to a token refresh", answer.statusCode());
            return Response.status(502).entity(Map.of("error", "the login service failed")).build();
        }
        return Response.ok(answer.body(), MediaType.APPLICATION_JSON).build();
    }

    /**
     * {@code POST /api/login/end}: the log out. The token is ended here (this dashboard's API refuses it from now
     * on) and at auth-service (it cannot be refreshed). Answers 204 also for a token that was no longer valid.
     */
    @POST
    @Path("/end")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response end(@HeaderParam("Authorization") String authorization) throws InterruptedException {
        if (!config.login().enabled()) {
            return Response.noContent().build();
        }
        TokenCheck.User user;
        try {
            user = access.caller(authorization);
        } catch (jakarta.ws.rs.WebApplicationException e) {
            return Response.noContent().build(); // nothing left to end
        }
        boolean here = access.end(user);
        HttpResponse<String> answer = toAuthService("/api/tokens/end", authorization);
        if (!here || answer == null || answer.statusCode() / 100 != 2) {
            LOG.warnf("log out of %s not completed (auth-service: %s)", user.username(),
                    answer == null ? "unreachable" : answer.statusCode());
            return Response.status(503).entity(Map.of("error", "the log out could not be recorded: try again")).build();
        }
        return Response.noContent().build();
    }

    private HttpResponse<String> toAuthService(String path, String authorization) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.login().authUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.warnf("auth-service at %s unreachable: %s", config.login().authUrl(), e.toString());
            return null;
        }
    }

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response login(Login login, @Context HttpServerRequest browser) throws IOException, InterruptedException {
        if (!config.login().enabled()) {
            return Response.status(404).entity(Map.of("error", "login is off on this dashboard")).build();
        }
        if (login == null || login.username() == null || login.password() == null) {
            return Response.status(400).entity(Map.of("error", "user name and password are required")).build();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.login().authUrl() + "/api/tokens"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                // auth-service counts failed logins per address: without this, every dashboard user would share
                // this server's address, and one user's typos would throttle them all. auth-service trusts the
                // header only from its tributary.auth.login.trusted-proxies (loopback by default).
                .header(FORWARDED_FOR, browser.remoteAddress().hostAddress())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(login))).build();
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.warnf("auth-service at %s unreachable: %s", config.login().authUrl(), e.toString());
            return Response.status(503).entity(Map.of("error", "the login service is unreachable")).build();
        }
        if (answer.statusCode() == 401) {
            return Response.status(401).entity(Map.of("error", "wrong user name or password")).build();
        }
        if (answer.statusCode() == 429) {
            LOG.infof("login as %s from %s throttled by auth-service", Untrusted.quote(login.username()),
                    browser.remoteAddress().hostAddress());
            return Response.status(429).header("Retry-After", answer.headers().firstValue("Retry-After").orElse("60"))
                    .entity(Map.of("error", "too many failed logins: try again later")).build();
        }
        if (answer.statusCode() != 200) {
            LOG.warnf("auth-service answered %d to a login as %s", answer.statusCode(), Untrusted.quote(login.username()));
            return Response.status(502).entity(Map.of("error", "the login service failed")).build();
        }
        return Response.ok(answer.body(), MediaType.APPLICATION_JSON).build();
    }
}
