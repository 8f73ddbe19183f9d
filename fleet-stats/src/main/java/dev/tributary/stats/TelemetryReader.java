package dev.tributary.stats;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a curated record into {@link Telemetry}: only records whose {@code ce_type} is the telemetry
 * type, with a JSON payload that has numeric {@code lat}, {@code lon} and {@code speed}. Other types
 * are passed over (counted); a telemetry record that cannot be read is counted and logged (at most
 * once a minute), never fatal: the connector validated it, so this only happens with a foreign writer.
 */
final class TelemetryReader implements FixedKeyProcessor<String, byte[], Telemetry> {

    private static final Logger LOG = Logger.getLogger(TelemetryReader.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final AtomicLong LAST_LOGGED = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private final String telemetryType;
    private final StatsMetrics metrics;
    private FixedKeyProcessorContext<String, Telemetry> context;

    TelemetryReader(String telemetryType, StatsMetrics metrics) {
        this.telemetryType = telemetryType;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Telemetry> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader("ce_type");
        if (type == null || !telemetryType.equals(new String(type.value(), StandardCharsets.UTF_8))) {
            metrics.skipped("other-type");
            return;
        }
        try {
            JsonNode json = JsonSerde.JSON.readTree(record.value());
            JsonNode lat = json.path("lat");
            JsonNode lon = json.path("lon");
            JsonNode speed = json.path("speed");
            if (record.key() == null || !lat.isNumber() || !lon.isNumber() || !speed.isNumber()) {
                invalid(record, "no vehicle key, or lat, lon or speed missing or not a number");
                return;
            }
            metrics.in();
            context.forward(record.withValue(new Telemetry(record.timestamp(), lat.asDouble(), lon.asDouble(), speed.asDouble())));
        } catch (java.io.IOException | RuntimeException e) {
            invalid(record, "not JSON: " + e.getMessage());
        }
    }

    private void invalid(FixedKeyRecord<String, byte[]> record, String why) {
        metrics.skipped("invalid");
        long now = System.nanoTime();
        long last = LAST_LOGGED.get();
        if (now - last >= LOG_EVERY_NANOS && LAST_LOGGED.compareAndSet(last, now)) {
            LOG.warnf("stats: curated telemetry of %s skipped (%s); further ones are counted in"
                    + " tributary_stats_records_skipped_total{reason=\"invalid\"}, logged at most once a minute", record.key(), why);
        }
    }
}
