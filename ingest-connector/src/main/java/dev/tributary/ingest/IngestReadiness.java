package dev.tributary.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** UP while the transactional loop can write: its producer is initialized and its last transaction did not fail. */
@Readiness
@ApplicationScoped
public class IngestReadiness implements HealthCheck {

    public static final String NAME = "ingest transactions";

    @Inject
    IngestConnector connector;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(connector.ready()).build();
    }
}
