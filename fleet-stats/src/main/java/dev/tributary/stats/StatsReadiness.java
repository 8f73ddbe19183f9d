package dev.tributary.stats;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** UP while the Kafka Streams application is RUNNING (not while it waits for its topics, rebalances or has failed). */
@Readiness
@ApplicationScoped
public class StatsReadiness implements HealthCheck {

    public static final String NAME = "fleet stats streams";

    @Inject
    FleetStatsApp app;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(app.running()).build();
    }
}
