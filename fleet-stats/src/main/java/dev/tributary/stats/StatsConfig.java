package dev.tributary.stats;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code tributary.stats.*} setting (table in docs/configuration.md). */
@ConfigMapping(prefix = "tributary.stats")
public interface StatsConfig {

    /**
     * Kafka Streams' {@code application.id}: the consumer group, the prefix of the internal topics and of
     * the transactional ids. Processes with the same id share the work.
     */
    @WithDefault("tributary-fleet-stats")
    String applicationId();

    /** The curated topic read (read_committed). */
    @WithDefault("tributary.fleet.curated")
    String curatedTopic();

    /** Where the per-vehicle, per-window statistics go. */
    @WithDefault("tributary.fleet.stats")
    String statsTopic();

    /** Only curated records of this CloudEvents type ({@code ce_type}) are telemetry; the others are skipped. */
    @WithDefault("dev.tributary.fleet.telemetry.v1")
    String telemetryType();

    /** The length of a (tumbling) window, on the record time: when the edge received the PUBLISH. */
    @WithDefault("1m")
    Duration window();

    /**
     * How long after a window's end a record of it is still counted. A window's statistics are written
     * once, when the stream time (the latest record time seen) passes its end plus this grace.
     */
    @WithDefault("10s")
    Duration grace();

    /** The windows awaiting their end are held in a buffer of at most this many bytes. */
    @WithDefault("16777216")
    long bufferBytes();

    /** Kafka Streams' state directory; unset: {@code <java.io.tmpdir>/tributary-fleet-stats-<HTTP port>}. */
    Optional<String> stateDir();

    Topics topics();

    interface Topics {

        /** Create the stats topic when it does not exist. */
        @WithDefault("true")
        boolean create();

        @WithDefault("3")
        int partitions();

        /** Of the stats topic and of Kafka Streams' internal topics. */
        @WithDefault("1")
        short replicationFactor();
    }
}
