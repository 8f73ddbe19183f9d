package dev.tributary.dashboard.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tributary.dashboard.auth.ApiAccess;
import dev.tributary.dashboard.auth.TokenCheck;
import dev.tributary.dashboard.config.DashboardConfig;
import dev.tributary.dashboard.history.TopicHistory;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * A vehicle's recent past from Kafka: {@code history} (curated telemetry) and {@code stats} (per-minute
 * statistics), each for the last {@code minutes}, for a user who may subscribe to the vehicle's telemetry.
 */
@Path("/api/vehicles/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class VehicleResource {

    private static final Logger LOG = Logger.getLogger(VehicleResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One topic level a vehicle id can be, and nothing a topic filter or a path could misread. */
    static final Pattern VEHICLE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final Set<Integer> HISTORY_MINUTES = Set.of(5, 15, 60);
    static final int MAX_STATS_MINUTES = 1440;
    static final String TRUNCATED = "X-Tributary-Truncated";

    private final ApiAccess access;
    private final DashboardConfig config;
    private final TopicHistory history;
    private final TopicHistory stats;
    private final MeterRegistry metrics;

    public VehicleResource(ApiAccess access, DashboardConfig config, MeterRegistry metrics,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.access = access;
        this.config = config;
        this.metrics = metrics;
        this.history = new TopicHistory(ApiAccess.kafka(bootstrap), config.history().maxRecords(), config.history().maxBytes(),
                config.history().timeout());
        if (!HISTORY_MINUTES.contains(config.history().initialMinutes())) {
            throw new IllegalArgumentException("tributary.dashboard.history.initial-minutes must be 5, 15 or 60, not "
                    + config.history().initialMinutes());
        }
        this.stats = new TopicHistory(ApiAccess.kafka(bootstrap), config.stats().maxRecords(), config.stats().maxBytes(),
                config.history().timeout());
    }

    /** {@code [{ts, lat, lon, speed, …}]}, oldest first: the vehicle's telemetry fields with {@code ts} the edge's receive time. */
    @GET
    @Path("/history")
    @Blocking
    public Response history(@PathParam("id") String id, @QueryParam("minutes") String minutes,
            @HeaderParam("Authorization") String authorization) {
        int window = checked(id, minutes, HISTORY_MINUTES::contains, "minutes must be 5, 15 or 60");
        TokenCheck.User user = access.caller(authorization);
        access.requireReceive(user, config.mqtt().fleetPrefix() + "/" + id + "/telemetry");
        String type = config.history().type();
        TopicHistory.Answer answer = read(history, config.history().topic(), id, window,
                e -> type.equals(e.headers().get("ce_type")));
        List<JsonNode> out = new ArrayList<>(answer.entries().size());
        for (TopicHistory.Entry entry : answer.entries()) {
            try {
                JsonNode value = JSON.readTree(entry.value());
                if (value instanceof ObjectNode fields) {
                    // the edge's receive time: what the record is ordered and searched by
                    fields.put("ts", entry.timestamp());
                    out.add(fields);
                }
            } catch (IOException e) {
                metrics.counter("tributary.dashboard.history.unreadable").increment();
            }
        }
        return Response.ok(out).header(TRUNCATED, answer.truncated()).build();
    }

    /** The per-minute statistics records of fleet-stats (docs/kafka-records.md, "The stats record"), oldest first. */
    @GET
    @Path("/stats")
    @Blocking
    public Response stats(@PathParam("id") String id, @QueryParam("minutes") String minutes,
            @HeaderParam("Authorization") String authorization) {
        int window = checked(id, minutes, m -> m >= 1 && m <= MAX_STATS_MINUTES, "minutes must be 1 to " + MAX_STATS_MINUTES);
        TokenCheck.User user = access.caller(authorization);
        access.requireReceive(user, config.mqtt().fleetPrefix() + "/" + id + "/telemetry");
        TopicHistory.Answer answer = read(stats, config.stats().topic(), id, window, e -> true);
        List<JsonNode> out = new ArrayList<>(answer.entries().size());
        for (TopicHistory.Entry entry : answer.entries()) {
            try {
                out.add(JSON.readTree(entry.value()));
            } catch (IOException e) {
                metrics.counter("tributary.dashboard.stats.unreadable").increment();
            }
        }
        return Response.ok(out).header(TRUNCATED, answer.truncated()).build();
    }

    private static int checked(String id, String minutes, java.util.function.IntPredicate allowed, String rule) {
        if (id == null || !VEHICLE_ID.matcher(id).matches()) {
            throw ApiAccess.problem(400, "a vehicle id is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        int value;
        try {
            value = Integer.parseInt(minutes == null ? "" : minutes);
        } catch (NumberFormatException e) {
            throw ApiAccess.problem(400, rule);
        }
        if (!allowed.test(value)) {
            throw ApiAccess.problem(400, rule);
        }
        return value;
    }

    private TopicHistory.Answer read(TopicHistory reader, String topic, String id, int minutes,
            java.util.function.Predicate<TopicHistory.Entry> keep) {
        try {
            TopicHistory.Answer answer = reader.read(topic, id, System.currentTimeMillis() - minutes * 60_000L, keep);
            if (answer.truncated()) {
                metrics.counter("tributary.dashboard.history.truncated", "topic", topic).increment();
            }
            return answer;
        } catch (IllegalStateException e) {
            LOG.warnf("reading %s for %s failed: %s", topic, id, e.getMessage());
            throw ApiAccess.problem(503, "Kafka did not answer");
        }
    }
}
