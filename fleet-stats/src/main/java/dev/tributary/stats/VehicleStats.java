package dev.tributary.stats;

/**
 * The value of a record of {@code tributary.fleet.stats}: one vehicle's statistics over one window
 * (fields documented in docs/kafka-records.md, "The stats record").
 *
 * @param windowStart epoch milliseconds, inclusive
 * @param windowEnd epoch milliseconds, exclusive
 * @param count telemetry records in the window
 * @param speedAvg mean of their speeds, km/h
 * @param speedMax the highest speed, km/h
 * @param distanceMeters haversine distance between consecutive positions, metres
 * @param firstAt the earliest record time in the window, epoch milliseconds
 * @param lastAt the latest record time in the window, epoch milliseconds
 */
public record VehicleStats(int version, String vehicle, long windowStart, long windowEnd, long count, double speedAvg,
        double speedMax, double distanceMeters, long firstAt, long lastAt) {

    /** The version of this record's fields; a change to them gets a new one. */
    public static final int VERSION = 1;

    static VehicleStats of(String vehicle, long windowStart, long windowEnd, VehicleMinute m) {
        return new VehicleStats(VERSION, vehicle, windowStart, windowEnd, m.count(), m.speedAvg(), m.speedMax(),
                m.distanceMeters(), m.firstAt(), m.lastAt());
    }
}
