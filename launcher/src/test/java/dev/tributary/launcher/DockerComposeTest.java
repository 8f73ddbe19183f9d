package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks that it describes this
 * repository: every built service is one of our modules with a Dockerfile, and every port it
 * publishes is the port that module is configured to serve.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    void everyBuiltServiceIsAModuleOfThisRepositoryWithADockerfile() throws IOException {
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        List<String> built = new ArrayList<>();
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            Map<String, String> build = (Map<String, String>) service.get("build");
            if (build == null) {
                return;
            }
            String module = build.get("context");
            assertThat(rootPom).as(name).contains("<module>" + module + "</module>");
            assertThat(ROOT.resolve(module).resolve(build.get("dockerfile"))).as(name).exists();
            built.add(module);
        });
        assertThat(built).as("every deployable is in the deployment")
                .contains("mqtt-edge", "auth-service", "ingest-connector", "web-dashboard", "fleet");
        assertThat(services.keySet()).contains("kafka-1", "kafka-2", "kafka-3", "edge-1", "edge-2", "mqtt-lb");
    }

    @Test
    void publishedPortsAreTheServicesConfiguredPorts() throws IOException {
        for (String module : List.of("auth-service", "ingest-connector", "web-dashboard")) {
            String httpPort = config(module).getProperty("quarkus.http.port");
            assertThat(ports(module)).as(module).containsExactly(httpPort + ":" + httpPort);
            assertThat(Service.ALL).filteredOn(s -> s.module().equals(module))
                    .extracting(s -> Integer.toString(s.httpPort())).containsExactly(httpPort);
        }
        Properties edge = config("mqtt-edge");
        @SuppressWarnings("unchecked")
        List<String> exposed = (List<String>) services.get("edge-1").get("expose");
        assertThat(exposed).contains(edge.getProperty("quarkus.http.port"), edge.getProperty("tributary.edge.mqtt.port"),
                edge.getProperty("tributary.edge.websocket.port"), edge.getProperty("tributary.edge.tls.port"));
    }

    @Test
    void loadBalancerSendsMqttAndWebSocketToTheEdgesPorts() throws IOException {
        Properties edge = config("mqtt-edge");
        String haproxy = Files.readString(ROOT.resolve("deploy/haproxy/haproxy.cfg"));
        for (String[] listener : new String[][] { { "edge_mqtt", "tributary.edge.mqtt.port" },
                { "edge_mqtt_tls", "tributary.edge.tls.port" }, { "edge_mqtt_ws", "tributary.edge.websocket.port" } }) {
            String port = edge.getProperty(listener[1]);
            assertThat(ports("mqtt-lb")).contains(port + ":" + port);
            Matcher backend = Pattern.compile("backend " + listener[0] + "\\n((?:\\s+.*\\n)+)").matcher(haproxy);
            assertThat(backend.find()).as(listener[0]).isTrue();
            assertThat(backend.group(1)).contains("edge-1:" + port, "edge-2:" + port);
        }
    }

    @Test
    void fleetPublishesThroughTheLoadBalancer() throws IOException {
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) services.get("fleet").get("command");
        String mqttPort = config("mqtt-edge").getProperty("tributary.edge.mqtt.port");
        assertThat(String.join(" ", command)).contains("--host mqtt-lb", "--port " + mqttPort);
    }

    @Test
    @SuppressWarnings("unchecked")
    void authenticationIsOn_andTheFleetLogsInWithTheAccountTheSetupCreates() {
        for (String edge : List.of("edge-1", "edge-2")) {
            Map<String, Object> env = (Map<String, Object>) services.get(edge).get("environment");
            assertThat(env).as(edge).doesNotContainKeys("TRIBUTARY_EDGE_AUTH_ENABLED", "TRIBUTARY_EDGE_MQTT_ALLOW_ANONYMOUS");
        }
        String fleet = String.join(" ", (List<String>) services.get("fleet").get("command"));
        assertThat(fleet).contains("--username fleet-simulator");
        assertThat(services.get("auth-setup").get("command").toString())
                .contains("/api/acl", "/api/principals", "fleet-simulator", "$${username}");
        assertThat((Map<String, Object>) services.get("fleet").get("depends_on")).containsKey("auth-setup");
    }

    @Test
    void servicesPointAtTheKafkaBrokersOfTheDeployment() {
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> env = (Map<String, Object>) service.get("environment");
            Object servers = env == null ? null : env.get("KAFKA_BOOTSTRAP_SERVERS");
            if (servers != null) {
                for (String server : servers.toString().split(",")) {
                    assertThat(services).as(name).containsKey(server.substring(0, server.indexOf(':')));
                    assertThat(server).as(name).endsWith(":9092");
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(String service) {
        return (List<String>) services.get(service).get("ports");
    }

    private static Properties config(String module) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve(module).resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        return properties;
    }
}
