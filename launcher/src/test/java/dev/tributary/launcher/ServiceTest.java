package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServiceTest {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();

    private static Service named(String name) {
        return Service.platform(1).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theEdgeRunsLocallyWithTheHeapSettingsItsContainerImagePasses() throws IOException {
        var options = named("mqtt-edge-1").jvmOptions(ROOT);
        String dockerfile = Files.readString(ROOT.resolve("mqtt-edge/src/main/docker/Dockerfile.jvm"));

        assertThat(options).contains("-Xms32m").allMatch(o -> o.startsWith("-X"), "a JVM option, not a comment");
        assertThat(options).allSatisfy(o -> assertThat(dockerfile).contains(" " + o));
    }

    @Test
    void aModuleWithoutJvmOptionsFileGetsNone() throws IOException {
        assertThat(named("auth-service").jvmOptions(ROOT)).isEmpty();
    }

    private static final Service.Settings LOCAL_CLUSTER = new Service.Settings("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096", 3,
            Path.of("tls/edge.pem"), Path.of("tls/edge.key"), "secret", Path.of("auth/token-signing-key.pem"));

    @Test
    void edgeK_listensOnTheDocumentedScheme_withItsOwnNodeId_andTheSharedCertificate() {
        List<Service> platform = Service.platform(3);
        assertThat(platform).extracting(Service::name).containsExactly("mqtt-edge-1", "mqtt-edge-2", "mqtt-edge-3",
                "auth-service", "ingest-connector", "fleet-stats", "web-dashboard");

        Map<String, String> second = platform.get(1).environment(LOCAL_CLUSTER);
        assertThat(second).containsEntry("TRIBUTARY_EDGE_MQTT_PORT", "1884").containsEntry("TRIBUTARY_EDGE_TLS_PORT", "8884")
                .containsEntry("TRIBUTARY_EDGE_WEBSOCKET_PORT", "9002").containsEntry("QUARKUS_HTTP_PORT", "8091")
                .containsEntry("TRIBUTARY_EDGE_NODE_ID", "edge-2")
                .containsEntry("TRIBUTARY_EDGE_TLS_CERTIFICATE", "tls/edge.pem")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", LOCAL_CLUSTER.kafkaBootstrap());
        assertThat(platform.get(1).readinessUrl()).isEqualTo("http://127.0.0.1:8091/q/health/ready");
        assertThat(platform.get(1).addresses()).contains("edge-2 MQTT    mqtt://127.0.0.1:1884",
                "edge-2 TLS     mqtts://127.0.0.1:8884", "edge-2 WS      ws://127.0.0.1:9002/mqtt, wss://127.0.0.1:9002/mqtt");
        assertThat(platform.get(0).environment(LOCAL_CLUSTER)).containsEntry("TRIBUTARY_EDGE_MQTT_PORT", "1883")
                .containsEntry("QUARKUS_HTTP_PORT", "8081").containsEntry("TRIBUTARY_EDGE_NODE_ID", "edge-1");
    }

    @Test
    void nineEdges_theServicesAndThreeKafkaBrokers_bindNoPortTwice() {
        List<Integer> ports = new ArrayList<>(List.of(9092, 9093, 9094, 9095, 9096, 9097));
        Service.platform(EdgePorts.MAX_EDGES).forEach(s -> ports.addAll(s.ports()));
        assertThat(ports).doesNotHaveDuplicates();
        assertThat(Service.platform(EdgePorts.MAX_EDGES).get(8).httpPort()).isEqualTo(8161);
    }

    @Test
    void onTheLocalThreeBrokerCluster_theTopicsTheServicesCreateHaveThreeReplicas() {
        assertThat(Service.platform(2)).filteredOn(s -> s.module().equals("mqtt-edge")).allSatisfy(edge -> assertThat(
                edge.environment(LOCAL_CLUSTER)).containsEntry("TRIBUTARY_EDGE_MIRROR_TOPICS_REPLICATION_FACTOR", "3"));
        assertThat(named("auth-service").environment(LOCAL_CLUSTER)).containsEntry("TRIBUTARY_AUTH_REPLICATION_FACTOR", "3");
        Service.Settings external = new Service.Settings("kafka:9092", 0, null, null, "secret", Path.of("key.pem"));
        assertThat(named("mqtt-edge-1").environment(external)).as("another cluster: the operator's settings apply")
                .doesNotContainKeys("TRIBUTARY_EDGE_MIRROR_TOPICS_REPLICATION_FACTOR", "TRIBUTARY_EDGE_TLS_ENABLED");
        assertThat(named("auth-service").environment(external)).doesNotContainKey("TRIBUTARY_AUTH_REPLICATION_FACTOR");
    }

    @Test
    void upOptions_defaultToOneEdgeAndOneBroker_andRefuseWhatTheSchemeCannotPlace() {
        assertThat(UpOptions.parse()).isEqualTo(new UpOptions(1, 1));
        assertThat(UpOptions.parse("--edges", "3", "--kafka-brokers", "3")).isEqualTo(new UpOptions(3, 3));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> UpOptions.parse("--edges", "10")))
                .hasMessageContaining("between 1 and 9");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> UpOptions.parse("--kafka-brokers", "2")))
                .hasMessageContaining("1 or 3");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> UpOptions.parse("--edges")))
                .hasMessageContaining("needs a value");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> UpOptions.parse("--fast")))
                .hasMessageContaining("unknown option");
    }
}
