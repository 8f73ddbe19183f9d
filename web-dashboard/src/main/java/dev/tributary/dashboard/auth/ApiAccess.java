package dev.tributary.dashboard.auth;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.EndedTokens;
import dev.tributary.dashboard.config.DashboardConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Who calls the dashboard's API and what they may read: the page sends the token auth-service issued for its
 * login ({@code Authorization: Bearer}); it is checked against the dashboard's replica of the auth topic as an
 * edge would check it, and reads are allowed by the same ACL the edge applies to that user's subscriptions.
 * With login off (an edge without authentication) every call is allowed.
 */
// started with the application, so the auth topic is read before the first API call needs it
@io.quarkus.runtime.Startup
@ApplicationScoped
public class ApiAccess {

    private static final Logger LOG = Logger.getLogger(ApiAccess.class);

    private final boolean enabled;
    private final AuthTopicReplica replica;
    private final TokenCheck tokens;
    private final EndedTokens ended;
    private final MeterRegistry metrics;

    public ApiAccess(DashboardConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            MeterRegistry metrics) {
        this.enabled = config.login().enabled();
        this.metrics = metrics;
        this.ended = new EndedTokens(config.auth().maxEnded(), Clock.systemUTC());
        metrics.gauge("tributary.dashboard.tokens.ended", ended, EndedTokens::size);
        if (enabled) {
            replica = new AuthTopicReplica(kafka(bootstrap), config.auth().topic());
            tokens = new TokenCheck(replica.contents(), config.auth().tokenIssuer(),
                    (int) config.auth().tokenClockSkew().toSeconds(), ended);
            replica.start();
        } else {
            replica = null;
            tokens = null;
        }
    }

    /** The Kafka settings every reader of the dashboard shares: {@code kafka.*} keys as kafka-clients names them. */
    public static Map<String, Object> kafka(String bootstrap) {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", bootstrap);
        return kafka;
    }

    /** The caller's user; null when login is off. Throws 401 without a valid token, 503 before the replica is read. */
    public TokenCheck.User caller(String authorization) {
        if (!enabled) {
            return null;
        }
        if (!replica.loaded()) {
            throw problem(503, "the dashboard has not read the auth topic yet");
        }
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : null;
        String[] why = new String[1];
        TokenCheck.User user = tokens.verify(token, why);
        if (user == null) {
            metrics.counter("tributary.dashboard.api.refused", "reason", why[0]).increment();
            LOG.debugf("API call refused: %s", why[0]);
            throw problem(401, "log in again (" + why[0] + ")");
        }
        return user;
    }

    /** 403 unless the user may receive messages on {@code topic} (the right a SUBSCRIBE to it would give). */
    public void requireReceive(TokenCheck.User user, String topic) {
        if (user == null) {
            return;
        }
        AclCheck.Subject subject = new AclCheck.Subject(user.username(), null, user.groups());
        if (!AclCheck.mayReceive(replica.contents().acl(), subject, topic)) {
            metrics.counter("tributary.dashboard.api.refused", "reason", "acl").increment();
            throw problem(403, user.username() + " may not subscribe to " + topic);
        }
    }

    /** 403 unless the user is in {@code group}. */
    public void requireGroup(TokenCheck.User user, String group) {
        if (user != null && !user.groups().contains(group)) {
            throw problem(403, "only the group " + group + " may see this");
        }
    }

    /** Remembers a logged-out token here until it expires; false when the table is full of live tokens. */
    public boolean end(TokenCheck.User user) {
        if (user == null || user.tokenId() == null) {
            return true;
        }
        boolean done = ended.end(user.tokenId(), user.expiresAtSeconds());
        if (!done) {
            LOG.warnf("log out of %s not remembered: %d ended tokens kept, all live (tributary.dashboard.auth.max-ended)",
                    user.username(), ended.capacity());
        }
        return done;
    }

    public boolean loginEnabled() {
        return enabled;
    }

    public static WebApplicationException problem(int status, String message) {
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build());
    }

    public List<String> groups(TokenCheck.User user) {
        return user == null ? List.of() : user.groups();
    }

    @PreDestroy
    void close() {
        if (replica != null) {
            replica.close();
        }
    }
}
