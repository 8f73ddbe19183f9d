package dev.tributary.launcher;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client settings from environment variables, read as the services read them (Quarkus' Kafka
 * extension): every non-empty variable whose name starts with {@code KAFKA_} is the client setting
 * named by the rest in lower case with '_' as '.', so {@code KAFKA_SASL_JAAS_CONFIG} is
 * {@code sasl.jaas.config}. One set of variables thus logs {@code ./tributary kafka-tail} and a
 * service into the same cluster.
 */
final class KafkaEnvironment {

    private static final String PREFIX = "KAFKA_";

    private KafkaEnvironment() {
    }

    static Map<String, Object> clientConfig(Map<String, String> environment) {
        Map<String, Object> config = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.toUpperCase(Locale.ROOT).startsWith(PREFIX) && value != null && !value.isEmpty()) {
                config.put(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return config;
    }
}
