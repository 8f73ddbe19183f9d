package dev.tributary.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every {@code tributary.ingest.*} setting. The rules are plain strings here on purpose: {@link
 * dev.tributary.ingest.rules.RuleParser} checks them all at start and names the key of whatever is
 * wrong, which a mapping's own conversion errors would not do as clearly.
 */
@ConfigMapping(prefix = "tributary.ingest")
public interface IngestConfig {

    /** The consumer group the connector processes share: each raw partition is read by one of them. */
    @WithDefault("tributary-ingest")
    String groupId();

    /**
     * Names this process's transactional producer and its static membership of the consumer group
     * (both {@code tributary-ingest-<instance-id>}); unset: {@code <host name>-<HTTP port>}, stable across
     * restarts and unique per process on a host.
     */
    Optional<String> instanceId();

    /** Where records that match no rule go, and the rules' dead-letter topic unless they name their own. */
    @WithDefault("tributary.fleet.dlq")
    String deadLetterTopic();

    /** A payload larger than this is not decoded: it goes to the dead-letter topic (reason {@code too-large}). */
    @WithDefault("262144")
    int maxPayloadBytes();

    /** Raw records read (and written in one transaction) per poll. */
    @WithDefault("500")
    int maxPollRecords();

    /**
     * How long a transaction may stay open: after a crash, readers of the curated topics and the next
     * owner of the raw partitions wait at most this long for the broker to abort it (at once when the
     * same instance id restarts).
     */
    @WithDefault("10s")
    Duration transactionTimeout();

    /**
     * How long a crashed process that does not come back keeps its raw partitions before the group gives
     * them to the others (the consumer's {@code session.timeout.ms}). A process restarted with the same
     * instance id takes its partitions back at once (static membership), whatever this says.
     */
    @WithDefault("10s")
    Duration sessionTimeout();

    /**
     * A step of the transactional loop (initializing the producer, polling, committing, …) that lasts
     * longer than this is logged at WARN with where the loop stands, and counted.
     */
    @WithDefault("30s")
    Duration stallWarning();

    /** How long to wait before retrying after Kafka failed a transaction (unreachable, timed out). */
    @WithDefault("1s")
    Duration retryBackoff();

    Topics topics();

    /** The ordered rules; for each raw record, the first enabled rule of its topic whose filter matches wins. */
    List<Rule> rules();

    interface Topics {

        /** Create the curated and dead-letter topics the rules name when they do not exist. */
        @WithDefault("true")
        boolean create();

        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();
    }

    interface Rule {

        /** The rule's name: the {@code rule} tag of its metrics and the {@code tributary.rule} header of its dead letters. */
        Optional<String> name();

        @WithDefault("true")
        boolean enabled();

        /** The raw mirror topic the rule reads. */
        Optional<String> source();

        /** MQTT filter on the record's {@code mqtt.topic}; a level written {@code {name}} can be the device id. */
        @WithDefault("#")
        String filter();

        /** The curated topic. */
        Optional<String> target();

        /** CloudEvents {@code type} of the curated records. */
        Optional<String> type();

        /** {@code json} (decoded and validated) or {@code binary} (passed through unchanged). */
        @WithDefault("json")
        String format();

        /** A JSON Schema the payload must satisfy: {@code classpath:<resource>} or a file path. */
        Optional<String> schema();

        /** Typed required fields, e.g. {@code vehicle:string,speed:number}. */
        Optional<List<String>> required();

        /** {@code {level}} (a named level of the filter) or {@code /json/pointer} (a payload field). */
        Optional<String> deviceId();

        /** This rule's dead-letter topic; unset: {@code tributary.ingest.dead-letter-topic}. */
        Optional<String> deadLetterTopic();
    }
}
