package dev.tributary.fleet.sim;

/**
 * A closed loop a vehicle drives around: a circle of {@code radiusKm} around a centre, so the
 * position, heading and distance travelled are easy to derive from one angle.
 */
record Route(double centreLat, double centreLon, double radiusKm) {

    private static final double KM_PER_DEGREE_LAT = 111.32;

    /** Latitude and longitude at {@code angle} radians along the loop. */
    double[] position(double angle) {
        double lat = centreLat + (radiusKm * Math.sin(angle)) / KM_PER_DEGREE_LAT;
        double lon = centreLon + (radiusKm * Math.cos(angle)) / (KM_PER_DEGREE_LAT * Math.cos(Math.toRadians(centreLat)));
        return new double[] { lat, lon };
    }

    /** Compass heading in degrees when driving counter-clockwise at {@code angle}. */
    double heading(double angle) {
        double deg = Math.toDegrees(-angle);
        return ((deg % 360) + 360) % 360;
    }

    /** Radians advanced by driving {@code km}. */
    double advance(double km) {
        return km / radiusKm;
    }
}
