package dev.tributary.fleet.sim;

import java.util.Locale;
import java.util.Random;

/**
 * One simulated vehicle's state and physics: drives its route at a speed that wanders, burns
 * fuel, warms its engine, drains and recharges its battery. Plain data: the simulator publishes
 * what {@link #telemetryJson} returns.
 */
final class Vehicle {

    final String id;
    private final Route route;
    private final Random random;
    private double angle;
    private double speedKmh;
    private double fuelPercent;
    private double engineTempC;
    private double batteryVolts;
    private long sequence;

    Vehicle(String id, Route route, long seed) {
        this.id = id;
        this.route = route;
        this.random = new Random(seed);
        this.angle = random.nextDouble() * 2 * Math.PI;
        this.speedKmh = 30 + random.nextDouble() * 50;
        this.fuelPercent = 40 + random.nextDouble() * 60;
        this.engineTempC = 70 + random.nextDouble() * 15;
        this.batteryVolts = 12.4 + random.nextDouble() * 0.4;
    }

    /** Advances the simulation by {@code seconds}. */
    void step(double seconds) {
        speedKmh = clamp(speedKmh + random.nextGaussian() * 4, 0, 120);
        angle += route.advance(speedKmh * seconds / 3600);
        fuelPercent = fuelPercent - speedKmh * seconds / 3600 * 0.08;
        if (fuelPercent < 5) {
            fuelPercent = 100; // refuelled
        }
        engineTempC = clamp(engineTempC + (70 + speedKmh * 0.25 - engineTempC) * 0.1 + random.nextGaussian() * 0.5, 60, 120);
        batteryVolts = clamp(batteryVolts + (speedKmh > 5 ? 0.01 : -0.02) + random.nextGaussian() * 0.01, 11.5, 14.4);
        sequence++;
    }

    String telemetryJson(long timestampMillis) {
        double[] position = route.position(angle);
        return String.format(Locale.ROOT,
                "{\"vehicle\":\"%s\",\"seq\":%d,\"ts\":%d,\"lat\":%.6f,\"lon\":%.6f,\"speed\":%.1f,\"heading\":%.1f,"
                        + "\"fuel\":%.1f,\"engineTemp\":%.1f,\"battery\":%.2f}",
                id, sequence, timestampMillis, position[0], position[1], speedKmh, route.heading(angle),
                fuelPercent, engineTempC, batteryVolts);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
