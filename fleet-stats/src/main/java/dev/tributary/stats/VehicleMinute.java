package dev.tributary.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The running statistics of one vehicle in one window, as Kafka Streams keeps them in its window
 * store until the window closes. Immutable: {@link #add} returns the next state.
 *
 * <p>The distance is the sum of the great-circle (haversine) distances between consecutive positions
 * of the window, in the order the vehicle sent them (records of one key keep their order from MQTT
 * to the curated topic). A record older than the latest one already counted (its time is earlier)
 * counts toward the count and the speeds, but its position is not put into the track.
 *
 * @param lastAt the time of the latest record counted, {@code lastLat}/{@code lastLon} its position
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VehicleMinute(long count, double speedSum, double speedMax, double distanceMeters, long firstAt, long lastAt,
        double lastLat, double lastLon) {

    /** Mean Earth radius (IUGG), metres. */
    static final double EARTH_RADIUS_METERS = 6_371_008.8;

    public static VehicleMinute empty() {
        return new VehicleMinute(0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0, 0);
    }

    public VehicleMinute add(Telemetry t) {
        double distance = distanceMeters;
        long latest = lastAt;
        double lat = lastLat;
        double lon = lastLon;
        if (count == 0 || t.at() >= lastAt) {
            if (count > 0) {
                distance += haversineMeters(lastLat, lastLon, t.lat(), t.lon());
            }
            latest = t.at();
            lat = t.lat();
            lon = t.lon();
        }
        return new VehicleMinute(count + 1, speedSum + t.speed(), count == 0 ? t.speed() : Math.max(speedMax, t.speed()),
                distance, Math.min(firstAt, t.at()), latest, lat, lon);
    }

    public double speedAvg() {
        return count == 0 ? 0 : speedSum / count;
    }

    /** The great-circle distance between two positions (degrees), in metres. */
    static double haversineMeters(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = Math.toRadians(lat2 - lat1);
        double dLambda = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
