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
