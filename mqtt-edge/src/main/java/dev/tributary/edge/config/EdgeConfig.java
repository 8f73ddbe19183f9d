package dev.tributary.edge.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the edge node, with its default; the README's configuration table mirrors it. */
@ConfigMapping(prefix = "tributary.edge")
public interface EdgeConfig {

    /** Names this node in mirror records ({@code mqtt.node}) and $SYS; defaults to the host name. */
    Optional<String> nodeId();

    Mqtt mqtt();

    Limits limits();

    Sys sys();

    interface Mqtt {
        /** Interface of the MQTT TCP listener. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port of the MQTT TCP listener; 0 picks a free one (tests). */
        @WithDefault("1883")
        int port();

        /** A connection that has not sent CONNECT by then is closed. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Whether a CONNECT with no username is accepted (the authenticator still decides). */
        @WithDefault("true")
        boolean allowAnonymous();
    }

    interface Limits {
        /** Largest MQTT packet accepted, in bytes (fixed header included); bigger ones close the connection. */
        @WithDefault("1048576")
        int maxPacketSize();

        /** Open MQTT connections; further ones are closed at once. */
        @WithDefault("15000")
        int maxConnections();

        /** Unacknowledged QoS 1/2 messages sent to one client at a time. */
        @WithDefault("32")
        int maxInflight();

        /** QoS 1/2 messages queued for one session beyond the in-flight window (online or offline). */
        @WithDefault("1000")
        int maxQueuedMessages();

        /** Longest topic name or filter, in UTF-8 bytes. */
        @WithDefault("1024")
        int maxTopicLength();

        /** Most levels in a topic name or filter. */
        @WithDefault("32")
        int maxTopicLevels();

        /** Longest client id, in UTF-8 bytes. */
        @WithDefault("128")
        int maxClientIdLength();

        /** Outbound bytes buffered for one client before its QoS 0 messages are dropped (a slow consumer). */
        @WithDefault("1048576")
        int maxOutboundBuffer();
    }

    interface Sys {
        /** How often the $SYS topics are published; 0 turns them off. */
        @WithDefault("10s")
        Duration interval();
    }
}
