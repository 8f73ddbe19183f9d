package dev.tributary.dashboard.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tributary.dashboard.config.DashboardConfig;

/** {@code GET /api/config}: the page's settings, read once when it loads. */
@Path("/api/config")
public class ConfigResource {

    public record PageConfig(Mqtt mqtt, boolean login, Limits limits, MapSettings map, int historyMinutes) {
    }

    /** {@code tileUrl} null: only the bundled offline layer. */
    public record MapSettings(String tileUrl, String attribution) {
    }

    public record Mqtt(String url, String username, String password, String fleetPrefix, List<String> explorerFilters) {
    }

    public record Limits(int historySamples, int explorerTopics, int payloadPreviewBytes, int tableRows,
            int acknowledgements) {
    }

    private final DashboardConfig config;

    public ConfigResource(DashboardConfig config) {
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public PageConfig config() {
        DashboardConfig.Mqtt mqtt = config.mqtt();
        DashboardConfig.Limits limits = config.limits();
        boolean login = config.login().enabled();
        String tiles = config.map().tileUrl().orElse("").trim();
        return new PageConfig(
                new Mqtt(mqtt.url(), login ? null : mqtt.username().orElse(null), login ? null : mqtt.password().orElse(null),
                        mqtt.fleetPrefix(),
                        mqtt.explorerFilters()),
                config.login().enabled(),
                new Limits(limits.historySamples(), limits.explorerTopics(), limits.payloadPreviewBytes(),
                        limits.tableRows(), limits.acknowledgements()),
                new MapSettings(tiles.isBlank() || tiles.equals("none") ? null : tiles, config.map().tileAttribution()),
                config.history().initialMinutes());
    }
}
