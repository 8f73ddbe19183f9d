package dev.tributary.stats;

/**
 * What the statistics need of one curated telemetry record: the record time (when the edge received
 * it), the position and the speed.
 *
 * @param at epoch milliseconds: the record's timestamp
 * @param speed km/h
 */
public record Telemetry(long at, double lat, double lon, double speed) {
}
