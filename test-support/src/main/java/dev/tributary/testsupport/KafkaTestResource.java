package dev.tributary.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Wires the shared real Kafka broker into {@code @QuarkusTest} classes. Register it once per
 * module with {@code @QuarkusTestResource(KafkaTestResource.class)} on any test class (global by
 * default), so every Quarkus test in the module talks to the same broker.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String servers = SharedKafka.get().bootstrapServers();
        return Map.of("kafka.bootstrap.servers", servers, "tributary.kafka.bootstrap-servers", servers);
    }

    @Override
    public void stop() {
        // the broker outlives a single Quarkus application: SharedKafka stops it at JVM exit
    }
}
