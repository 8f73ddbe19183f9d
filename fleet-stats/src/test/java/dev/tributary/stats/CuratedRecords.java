package dev.tributary.stats;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Curated records as the ingest-connector writes them (CloudEvents headers, key = vehicle), and stats read back. */
final class CuratedRecords {

    static final String TELEMETRY = "dev.tributary.fleet.telemetry.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CuratedRecords() {
    }

    static ProducerRecord<byte[], byte[]> telemetry(String topic, String vehicle, long at, double lat, double lon, double speed) {
        String json = String.format(Locale.ROOT, "{\"vehicle\":\"%s\",\"seq\":1,\"ts\":%d,\"lat\":%s,\"lon\":%s,\"speed\":%s,"
                + "\"heading\":0,\"fuel\":50,\"engineTemp\":90,\"battery\":12.6}", vehicle, at, lat, lon, speed);
        return record(topic, vehicle, at, TELEMETRY, json);
    }

    static ProducerRecord<byte[], byte[]> status(String topic, String vehicle, long at) {
        return record(topic, vehicle, at, "dev.tributary.fleet.status.v1", "{\"online\":true}");
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String vehicle, long at, String type, String json) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", utf8("1.0"));
        h.add("ce_id", utf8(vehicle + "-" + at));
        h.add("ce_source", utf8("fleet/" + vehicle + "/telemetry"));
        h.add("ce_type", utf8(type));
        h.add("content-type", utf8("application/json"));
        return new ProducerRecord<>(topic, null, at, utf8(vehicle), utf8(json), h);
    }

    /** The stats record of {@code vehicle} for the window starting at {@code windowStart}; fails if there is none. */
    static VehicleStats find(List<ConsumerRecord<byte[], byte[]>> out, String vehicle, long windowStart) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : out) {
            VehicleStats s = JSON.readValue(r.value(), VehicleStats.class);
            if (new String(r.key(), StandardCharsets.UTF_8).equals(vehicle) && s.windowStart() == windowStart) {
                if (!vehicle.equals(s.vehicle())) {
                    throw new AssertionError("key " + vehicle + " but vehicle " + s.vehicle());
                }
                return s;
            }
        }
        throw new AssertionError("no stats of " + vehicle + " for the window starting " + windowStart + " in " + out.size());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
