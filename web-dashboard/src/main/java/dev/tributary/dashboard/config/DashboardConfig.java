package dev.tributary.dashboard.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the dashboard page is told at start: where the edge is, what to subscribe to, how much to keep. */
@ConfigMapping(prefix = "tributary.dashboard")
public interface DashboardConfig {

    Mqtt mqtt();

    Login login();

    Limits limits();

    Auth auth();

    History history();

    Stats stats();

    Map map();

    Operations operations();

    /** How the dashboard's API checks the token a logged-in page sends (as the edge checks it). */
    interface Auth {
        /** The auth topic to replicate: principals, ACL and token keys. */
        @WithDefault("tributary.auth")
        String topic();

        /** The issuer ({@code iss}) a token must name. */
        @WithDefault("tributary")
        String tokenIssuer();

        /** Clock difference tolerated on a token's times. */
        @WithDefault("30s")
        java.time.Duration tokenClockSkew();

        /** Tokens ended by a log out here, kept until they expire; a full table refuses further log outs. */
        @WithDefault("10000")
        int maxEnded();
    }

    /** {@code GET /api/vehicles/{id}/history}: curated telemetry read by timestamp. */
    interface History {
        @WithDefault("tributary.fleet.curated")
        String topic();

        /** The CloudEvents type ({@code ce_type}) of telemetry records; other records of the topic are skipped. */
        @WithDefault("dev.tributary.fleet.telemetry.v1")
        String type();

        /** Records one answer holds at most (the latest ones are kept). */
        @WithDefault("3600")
        int maxRecords();

        /** Bytes of record values one answer holds at most (the latest ones are kept). */
        @WithDefault("4194304")
        long maxBytes();

        /** The minutes of history a vehicle's track and charts start with when the page (re)loads: 5, 15 or 60. */
        @WithDefault("5")
        int initialMinutes();

        /** How long one read may take; then it answers with what it has. */
        @WithDefault("10s")
        java.time.Duration timeout();
    }

    /** {@code GET /api/vehicles/{id}/stats}: per-vehicle per-minute statistics. */
    interface Stats {
        @WithDefault("tributary.fleet.stats")
        String topic();

        @WithDefault("1440")
        int maxRecords();

        @WithDefault("1048576")
        long maxBytes();
    }

    /** The fleet map. */
    interface Map {
        /**
         * Tile URL template (Leaflet's {@code {z}/{x}/{y}}), as the user's browser reaches it; empty or {@code none}:
         * only the bundled offline layer (land outlines), which is also drawn under tiles that fail to load.
         */
        // OpenStreetMap's by default, set in application.properties: an empty value here must mean "none"
        Optional<String> tileUrl();

        @WithDefault("© OpenStreetMap contributors")
        String tileAttribution();
    }

    /** The operations view: edges from $SYS, services from their health and metrics endpoints. */
    interface Operations {
        /** Users in this group see the operations view and may call {@code /api/operations}. */
        @WithDefault("dashboard")
        String group();

        /**
         * The services whose {@code /q/health} and {@code /q/metrics} the view shows, each {@code name=base URL},
         * e.g. {@code mqtt-edge-1=http://127.0.0.1:8081}.
         */
        @WithDefault("none")
        List<String> services();

        /** Metric lines (Prometheus text) kept per service, those whose name starts with {@code tributary_}. */
        @WithDefault("400")
        int maxMetricLines();
    }

    /** Dashboard users log in with their auth-service credentials; the page then speaks MQTT with a token. */
    interface Login {
        /** Off: the page connects with {@code mqtt.username}/{@code password}, or none (an edge without auth). */
        @WithDefault("true")
        boolean enabled();

        /** Where auth-service issues tokens (its {@code /api/tokens}), as this server reaches it. */
        @WithDefault("http://127.0.0.1:8082")
        String authUrl();
    }

    interface Mqtt {
        /**
         * The edge's MQTT-over-WebSocket address as the browser must reach it. {@code {host}} stands for the
         * host name the page itself was loaded from, so one setting serves localhost and a LAN address alike;
         * {@code {ws}} for {@code ws} on a page loaded over HTTP and {@code wss} over HTTPS. {@code wss://…} makes
         * the page use WSS always (the browser must trust the edge's certificate).
         */
        @WithDefault("{ws}://{host}:9001/mqtt")
        String url();

        /** MQTT user name the page connects with when login is off; unset connects without one. */
        Optional<String> username();

        /** MQTT password for {@link #username()}; never returned by the config endpoint when unset. */
        Optional<String> password();

        /** The fleet's topics; the page reads {@code <fleet>/<id>/telemetry}, {@code status}, {@code commands/ack}. */
        @WithDefault("fleet")
        String fleetPrefix();

        /** Extra filters for the topic explorer; the fleet's own filter is always subscribed. */
        @WithDefault("#")
        List<String> explorerFilters();
    }

    /** Bounds on the page's memory, so a busy fleet cannot freeze the tab. */
    interface Limits {
        /** Telemetry samples kept per vehicle for the charts (at 1 message/s: the last 5 minutes). */
        @WithDefault("300")
        int historySamples();

        /** Topics the explorer keeps; messages on further topics are counted, not stored. */
        @WithDefault("20000")
        int explorerTopics();

        /** Bytes of a payload the explorer shows. */
        @WithDefault("512")
        int payloadPreviewBytes();

        /** Rows the fleet table shows at once (the position plot shows every vehicle). */
        @WithDefault("100")
        int tableRows();

        /** Command acknowledgements kept in the list. */
        @WithDefault("50")
        int acknowledgements();
    }
}
