package dev.tributary.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The stats topology on Kafka Streams' test driver: windows, averages, distance, grace and late records. */
class FleetStatsTopologyTest {

    private static final String TELEMETRY = "dev.tributary.fleet.telemetry.v1";
    /** A minute boundary, so window starts are easy to read. */
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> curated;
    private TestOutputTopic<String, VehicleStats> stats;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "stats-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(FleetStatsTopology.build(new FleetStatsTopology.Settings("curated", "stats", TELEMETRY,
                Duration.ofMinutes(1), Duration.ofSeconds(10), 1 << 20), new StatsMetrics(registry)), p);
        curated = driver.createInputTopic("curated", new StringSerializer(), new ByteArraySerializer());
        stats = driver.createOutputTopic("stats", new StringDeserializer(), new JsonSerde<>(VehicleStats.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void oneVehicleOneMinute_countAverageMaximumAndDistance_writtenOnceWhenTheWindowCloses() {
        // three positions along the equator, 0.01° of longitude apart: 1,111.95 m each
        telemetry("v1", T0.plusSeconds(1), 0, 0.00, 30);
        telemetry("v1", T0.plusSeconds(21), 0, 0.01, 50);
        telemetry("v1", T0.plusSeconds(41), 0, 0.02, 70);
        assertThat(stats.isEmpty()).as("nothing before the window closes").isTrue();

        telemetry("v1", T0.plusSeconds(60 + 11), 0, 0.02, 0); // stream time past end + grace: the window closes
        List<TestRecord<String, VehicleStats>> out = stats.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo("v1");
        VehicleStats s = out.get(0).value();
        assertThat(s.vehicle()).isEqualTo("v1");
        assertThat(s.windowStart()).isEqualTo(T0.toEpochMilli());
        assertThat(s.windowEnd()).isEqualTo(T0.plusSeconds(60).toEpochMilli());
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.speedAvg()).isEqualTo(50.0);
        assertThat(s.speedMax()).isEqualTo(70.0);
        assertThat(s.distanceMeters()).isCloseTo(2 * 1_111.95, within(0.5));
        assertThat(s.firstAt()).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        assertThat(s.lastAt()).isEqualTo(T0.plusSeconds(41).toEpochMilli());
        assertThat(registry.counter("tributary.stats.records.in").count()).isEqualTo(4);
        assertThat(registry.counter("tributary.stats.records.out").count()).isEqualTo(1);
    }

    @Test
    void tumblingWindows_eachMinuteAndVehicleApart_distanceNotCarriedAcrossWindows() {
        telemetry("v1", T0.plusSeconds(10), 0, 0.00, 10);
        telemetry("v2", T0.plusSeconds(20), 10, 10, 100);
        telemetry("v1", T0.plusSeconds(70), 0, 1.00, 20); // next minute, far away: no distance in either window
        telemetry("v1", T0.plusSeconds(80), 0, 1.01, 40);
        telemetry("v3", T0.plusSeconds(130 + 10), 0, 0, 0); // closes the first two minutes

        List<TestRecord<String, VehicleStats>> out = stats.readRecordsToList();
        assertThat(out).extracting(r -> r.key() + "@" + (r.value().windowStart() - T0.toEpochMilli()) / 1000)
                .containsExactlyInAnyOrder("v1@0", "v2@0", "v1@60");
        VehicleStats v1first = find(out, "v1", 0);
        assertThat(v1first.count()).isEqualTo(1);
        assertThat(v1first.distanceMeters()).isZero();
        VehicleStats v1second = find(out, "v1", 60);
        assertThat(v1second.count()).isEqualTo(2);
        assertThat(v1second.speedAvg()).isEqualTo(30.0);
        assertThat(v1second.distanceMeters()).isCloseTo(1_111.95, within(0.5));
        assertThat(find(out, "v2", 0).speedMax()).isEqualTo(100.0);
    }

    @Test
    void lateRecords_withinTheGraceCount_afterTheGraceAreDropped() {
        telemetry("v1", T0.plusSeconds(30), 0, 0, 10);
        telemetry("v1", T0.plusSeconds(65), 0, 0, 10); // stream time 1:05: minute 0 is over, its grace is not
        telemetry("v1", T0.plusSeconds(50), 0, 0, 40); // late, within the grace: counted in minute 0
        telemetry("v1", T0.plusSeconds(75), 0, 0, 10); // stream time 1:15: minute 0 closes
        telemetry("v1", T0.plusSeconds(55), 0, 0, 1000); // later than the grace: dropped
        telemetry("v1", T0.plusSeconds(130), 0, 0, 10); // closes minute 1

        List<TestRecord<String, VehicleStats>> out = stats.readRecordsToList();
        assertThat(out).hasSize(2);
        VehicleStats first = find(out, "v1", 0);
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.speedMax()).isEqualTo(40.0);
        assertThat(first.lastAt()).isEqualTo(T0.plusSeconds(50).toEpochMilli());
        VehicleStats second = find(out, "v1", 60);
        assertThat(second.count()).isEqualTo(2);
        assertThat(second.speedMax()).isEqualTo(10.0);
        assertThat(driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum())
                .as("the record after the grace, counted by Kafka Streams").isEqualTo(1.0);
    }

    @Test
    void outOfOrderPosition_countedButNotPutIntoTheTrack() {
        telemetry("v1", T0.plusSeconds(10), 0, 0.00, 10);
        telemetry("v1", T0.plusSeconds(30), 0, 0.01, 10);
        telemetry("v1", T0.plusSeconds(20), 0, 5.00, 10); // older than the latest: no zig-zag to 5° and back
        telemetry("v1", T0.plusSeconds(40), 0, 0.02, 10);
        telemetry("v1", T0.plusSeconds(80), 0, 0, 0);

        VehicleStats s = find(stats.readRecordsToList(), "v1", 0);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.distanceMeters()).isCloseTo(2 * 1_111.95, within(0.5));
    }

    @Test
    void otherTypesAndUnreadableTelemetry_skippedAndCounted() {
        curated.pipeInput(record("v1", "{\"online\":true}", "dev.tributary.fleet.status.v1", T0.plusSeconds(1)));
        curated.pipeInput(record("v1", "not json", TELEMETRY, T0.plusSeconds(2)));
        curated.pipeInput(record("v1", "{\"lat\":\"north\",\"lon\":0,\"speed\":1}", TELEMETRY, T0.plusSeconds(3)));
        telemetry("v1", T0.plusSeconds(4), 0, 0, 10);
        telemetry("v1", T0.plusSeconds(80), 0, 0, 0);

        assertThat(find(stats.readRecordsToList(), "v1", 0).count()).isEqualTo(1);
        assertThat(registry.counter("tributary.stats.records.skipped", "reason", "other-type").count()).isEqualTo(1);
        assertThat(registry.counter("tributary.stats.records.skipped", "reason", "invalid").count()).isEqualTo(2);
    }

    @Test
    void haversine_matchesKnownDistances() {
        // one degree of latitude on the mean-radius sphere: 111,195 m; Paris–London (CDG–LHR area) about 344 km
        assertThat(VehicleMinute.haversineMeters(0, 0, 1, 0)).isCloseTo(111_195, within(1.0));
        assertThat(VehicleMinute.haversineMeters(48.8566, 2.3522, 51.5074, -0.1278)).isCloseTo(343_560, within(500.0));
        assertThat(VehicleMinute.haversineMeters(10, 20, 10, 20)).isZero();
    }

    private void telemetry(String vehicle, Instant at, double lat, double lon, double speed) {
        String json = String.format(java.util.Locale.ROOT,
                "{\"vehicle\":\"%s\",\"seq\":1,\"ts\":%d,\"lat\":%s,\"lon\":%s,\"speed\":%s,\"heading\":0,\"fuel\":50,"
                        + "\"engineTemp\":90,\"battery\":12.6}", vehicle, at.toEpochMilli(), lat, lon, speed);
        curated.pipeInput(record(vehicle, json, TELEMETRY, at));
    }

    private static TestRecord<String, byte[]> record(String vehicle, String value, String type, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>(vehicle, value.getBytes(StandardCharsets.UTF_8), headers, at);
    }

    private static VehicleStats find(List<TestRecord<String, VehicleStats>> out, String vehicle, long startSecond) {
        return out.stream().filter(r -> r.key().equals(vehicle)
                && r.value().windowStart() == T0.plusSeconds(startSecond).toEpochMilli()).findFirst().orElseThrow().value();
    }
}
