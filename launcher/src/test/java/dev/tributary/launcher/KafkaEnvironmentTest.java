package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaEnvironmentTest {

    @Test
    void kafkaVariables_becomeClientSettings_asQuarkusReadsThem() {
        assertThat(KafkaEnvironment.clientConfig(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.p12")))
                .containsOnly(
                        Map.entry("bootstrap.servers", "kafka-1:9092"),
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "SCRAM-SHA-256"),
                        Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";"),
                        Map.entry("ssl.truststore.location", "/etc/kafka/ca.p12"));
    }

    @Test
    void otherVariables_andEmptyOnes_areNotSettings() {
        assertThat(KafkaEnvironment.clientConfig(Map.of("PATH", "/usr/bin", "TRIBUTARY_DATA", "/srv",
                "KAFKA_SASL_MECHANISM", ""))).isEmpty();
    }
}
