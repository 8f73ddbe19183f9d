package dev.tributary.stats;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The stats application's topology, the part to copy for an analytics application of your own:
 *
 * <pre>
 * tributary.fleet.curated (key = vehicle, CloudEvents headers, JSON telemetry)
 *   → keep ce_type = telemetry, read lat, lon, speed; the record time is when the edge received it
 *   → group by vehicle (the key already is: no repartition topic)
 *   → tumbling windows of {@code window} with {@code grace}: count, speed sum and maximum, distance
 *   → one result per vehicle and window, once the window has closed (suppress)
 *   → tributary.fleet.stats (key = vehicle, JSON {@link VehicleStats})
 * </pre>
 *
 * The windows live in an in-memory store backed by a changelog topic (no RocksDB on disk); a
 * restarted instance restores them from the changelog.
 */
public final class FleetStatsTopology {

    /** The window store's name: the changelog topic is {@code <application id>-vehicle-minutes-changelog}. */
    public static final String STORE = "vehicle-minutes";
    /** The buffer of windows awaiting their end: its changelog is {@code <application id>-closed-windows-store-changelog}. */
    public static final String CLOSED = "closed-windows";

    /** What the topology is built from (the {@code tributary.stats.*} settings). */
    public record Settings(String curatedTopic, String statsTopic, String telemetryType, Duration window, Duration grace,
            long bufferBytes) {
    }

    private FleetStatsTopology() {
    }

    public static Topology build(Settings s, StatsMetrics metrics) {
        JsonSerde<Telemetry> telemetry = new JsonSerde<>(Telemetry.class);
        JsonSerde<VehicleMinute> minute = new JsonSerde<>(VehicleMinute.class);
        JsonSerde<VehicleStats> stats = new JsonSerde<>(VehicleStats.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(s.curatedTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .processValues(() -> new TelemetryReader(s.telemetryType(), metrics))
                .groupByKey(Grouped.with(Serdes.String(), telemetry))
                .windowedBy(TimeWindows.ofSizeAndGrace(s.window(), s.grace()))
                .aggregate(VehicleMinute::empty, (vehicle, t, m) -> m.add(t),
                        Materialized.<String, VehicleMinute>as(Stores.inMemoryWindowStore(STORE, s.window().plus(s.grace()),
                                s.window(), false)).withKeySerde(Serdes.String()).withValueSerde(minute))
                // one record per vehicle and window, when the window closes: stream time past its end plus the grace
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.maxBytes(s.bufferBytes()).shutDownWhenFull())
                        .withName(CLOSED))
                .toStream()
                .map((window, m) -> {
                    metrics.out();
                    return KeyValue.pair(window.key(),
                            VehicleStats.of(window.key(), window.window().start(), window.window().end(), m));
                })
                .to(s.statsTopic(), Produced.with(Serdes.String(), stats));
        return builder.build();
    }
}
