package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.tributary.kafkalocal.LocalKafkaCluster;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks that it describes this
 * repository and the platform {@code ./tributary up --edges 2 --kafka-brokers 3} runs: the same
 * services, each given the settings the launcher gives it, the Kafka cluster's replication settings
 * as kafka-local's three-broker cluster has them, and the ports each module is configured to serve.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();
    private static final int EDGES = 2;
    private static final int KAFKA_BROKERS = 3;
    /** What the launcher knows of a run with a local three-broker cluster; the paths and secrets are this machine's. */
    private static final Service.Settings LOCAL = new Service.Settings("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096",
            LocalKafkaCluster.replicationSettings(KAFKA_BROKERS).entrySet().stream()
                    .filter(e -> e.getKey().equals("default.replication.factor")).map(e -> Integer.parseInt(e.getValue()))
                    .findFirst().orElseThrow(),
            Path.of("/local/tls/edge.pem"), Path.of("/local/tls/edge.key"), "local-admin-password",
            Path.of("/local/auth/token-signing-key.pem"));
    private static final Set<String> MACHINE_VALUES = Set.of(LOCAL.kafkaBootstrap(), LOCAL.edgeCertificate().toString(),
            LOCAL.edgeKey().toString(), LOCAL.adminPassword(), LOCAL.tokenKeyFile().toString());

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
        services.forEach((name, service) -> {
            Map<String, String> build = build(name);
            if (build != null) {
                assertThat(rootPom).as(name).contains("<module>" + build.get("context") + "</module>");
                assertThat(ROOT.resolve(build.get("context")).resolve(build.get("dockerfile"))).as(name).exists();
            }
        });
    }

    @Test
    void itRunsTheLaunchersServices_twoEdges_threeKafkaBrokers_andTheFleet() {
        List<String> built = services.keySet().stream().filter(name -> build(name) != null)
                .map(name -> build(name).get("context")).sorted().toList();
        List<String> launched = new ArrayList<>(Service.platform(EDGES).stream().map(Service::module).toList());
        launched.add("fleet");
        assertThat(built).containsExactlyInAnyOrderElementsOf(launched);
        assertThat(services.keySet().stream().filter(name -> name.matches("kafka-\\d+")))
                .containsExactlyInAnyOrderElementsOf(LocalKafkaCluster.dataDirs(Path.of(""), KAFKA_BROKERS).stream()
                        .map(Path::toString).toList());
        assertThat(services).containsKey("mqtt-lb");
    }

    @Test
    void eachEdgeHasItsOwnNodeId_theOneTheLauncherGivesTheEdgeOfTheSameNumber() {
        for (Service edge : edges()) {
            String node = edge.environment(LOCAL).get("TRIBUTARY_EDGE_NODE_ID");
            assertThat(environment(node)).as(node).containsEntry("TRIBUTARY_EDGE_NODE_ID", node);
        }
        assertThat(services.keySet().stream().filter(name -> "mqtt-edge".equals(context(name)))
                .map(name -> environment(name).get("TRIBUTARY_EDGE_NODE_ID")).toList()).hasSize(EDGES).doesNotHaveDuplicates();
    }

    @Test
    void everyServiceGetsTheSettingsTheLauncherGivesIt_withTheSameValuesWhereTheyDoNotNameThisMachine() {
        for (Service service : Service.platform(EDGES)) {
            String name = service.module().equals("mqtt-edge") ? service.environment(LOCAL).get("TRIBUTARY_EDGE_NODE_ID")
                    : service.module();
            Map<String, Object> compose = environment(name);
            Map<String, String> settings = new TreeMap<>(service.environment(LOCAL));
            // ports that only keep several edges apart on one machine: each container has an address of its own
            settings.keySet().removeAll(service.placement().keySet());
            assertThat(compose.keySet()).as(name).containsAll(settings.keySet());
            settings.forEach((key, value) -> {
                if (value.contains("=http://127.0.0.1:")) {
                    // name=URL lists (the dashboard's operations services): the same names, each at its container's address
                    assertThat(serviceNames(compose.get(key).toString())).as(name + " " + key).isEqualTo(serviceNames(value));
                } else if (!MACHINE_VALUES.contains(value)) {
                    assertThat(compose.get(key)).as(name + " " + key).hasToString(value);
                }
            });
        }
    }

    private static java.util.List<String> serviceNames(String list) {
        return java.util.Arrays.stream(list.split(",")).map(entry -> entry.substring(0, entry.indexOf('='))).toList();
    }

    @Test
    void theEdgesTlsFilesAreMountedWhereTheirSettingsLookForThem() {
        for (Service edge : edges()) {
            String name = edge.environment(LOCAL).get("TRIBUTARY_EDGE_NODE_ID");
            @SuppressWarnings("unchecked")
            List<String> volumes = (List<String>) services.get(name).get("volumes");
            assertThat(volumes).as(name).hasSize(1);
            String mountPoint = volumes.get(0).replaceFirst(":ro$", "").replaceFirst(".*:", "");
            assertThat(environment(name).get("TRIBUTARY_EDGE_TLS_CERTIFICATE").toString()).startsWith(mountPoint + "/");
            assertThat(environment(name).get("TRIBUTARY_EDGE_TLS_KEY").toString()).startsWith(mountPoint + "/");
        }
    }

    @Test
    void kafkaReplicatesAsTheLocalThreeBrokerClusterDoes_inOneQuorumWithAValidClusterId() {
        Map<String, String> replication = LocalKafkaCluster.replicationSettings(KAFKA_BROKERS);
        assertThat(replication).containsEntry("default.replication.factor", "3").containsEntry("min.insync.replicas", "2");
        List<String> voters = new ArrayList<>();
        for (int node = 1; node <= KAFKA_BROKERS; node++) {
            Map<String, Object> env = environment("kafka-" + node);
            replication.forEach((key, value) -> assertThat(env.get("KAFKA_" + key.toUpperCase().replace('.', '_')))
                    .as("kafka broker setting " + key).hasToString(value));
            assertThat(env.get("KAFKA_NODE_ID")).hasToString(Integer.toString(node));
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).hasToString("PLAINTEXT://kafka-" + node + ":9092");
            voters.add(node + "@kafka-" + node + ":9093");
            String clusterId = env.get("CLUSTER_ID").toString();
            assertThatCode(() -> Uuid.fromString(clusterId)).as("CLUSTER_ID " + clusterId).doesNotThrowAnyException();
        }
        assertThat(environment("kafka-1").get("KAFKA_CONTROLLER_QUORUM_VOTERS")).hasToString(String.join(",", voters));
    }

    @Test
    void publishedPortsAreTheLaunchersAndTheModulesConfiguredPorts() throws IOException {
        for (Service service : Service.platform(EDGES)) {
            if (service.module().equals("mqtt-edge")) {
                continue;
            }
            String httpPort = config(service.module()).getProperty("quarkus.http.port");
            assertThat(Integer.toString(service.httpPort())).as(service.name()).isEqualTo(httpPort);
            assertThat(ports(service.module())).as(service.module()).containsExactly(httpPort + ":" + httpPort);
        }
        Properties edge = config("mqtt-edge");
        EdgePorts first = EdgePorts.of(1);
        assertThat(List.of(edge.getProperty("tributary.edge.mqtt.port"), edge.getProperty("tributary.edge.tls.port"),
                edge.getProperty("tributary.edge.websocket.port"), edge.getProperty("quarkus.http.port")))
                .as("edge 1 of up has the edge's configured ports").containsExactly(Integer.toString(first.mqtt()),
                        Integer.toString(first.tls()), Integer.toString(first.webSocket()), Integer.toString(first.http()));
        for (Service service : edges()) {
            String name = service.environment(LOCAL).get("TRIBUTARY_EDGE_NODE_ID");
            @SuppressWarnings("unchecked")
            List<String> exposed = (List<String>) services.get(name).get("expose");
            assertThat(exposed).as(name).containsExactlyInAnyOrderElementsOf(
                    first.all().stream().map(String::valueOf).toList());
        }
    }

    @Test
    void loadBalancerSendsMqttTlsAndWebSocketToEveryEdge() throws IOException {
        String haproxy = Files.readString(ROOT.resolve("deploy/haproxy/haproxy.cfg"));
        EdgePorts first = EdgePorts.of(1);
        List<String> edgeNames = edges().stream().map(e -> e.environment(LOCAL).get("TRIBUTARY_EDGE_NODE_ID")).toList();
        for (Map.Entry<String, Integer> listener : Map.of("edge_mqtt", first.mqtt(), "edge_mqtt_tls", first.tls(),
                "edge_mqtt_ws", first.webSocket()).entrySet()) {
            int port = listener.getValue();
            assertThat(ports("mqtt-lb")).contains(port + ":" + port);
            Matcher backend = Pattern.compile("backend " + listener.getKey() + "\\n((?:\\s+.*\\n)+)").matcher(haproxy);
            assertThat(backend.find()).as(listener.getKey()).isTrue();
            assertThat(backend.group(1)).contains(edgeNames.stream().map(e -> e + ":" + port).toArray(String[]::new));
        }
        assertThat(ports("mqtt-lb")).hasSize(3);
    }

    @Test
    void fleetPublishesThroughTheLoadBalancer() {
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) services.get("fleet").get("command");
        assertThat(String.join(" ", command)).contains("--host mqtt-lb", "--port " + EdgePorts.of(1).mqtt());
    }

    @Test
    @SuppressWarnings("unchecked")
    void authenticationIsOn_andTheFleetLogsInWithTheAccountTheSetupCreates() {
        for (Service edge : edges()) {
            Map<String, Object> env = environment(edge.environment(LOCAL).get("TRIBUTARY_EDGE_NODE_ID"));
            assertThat(env).doesNotContainKeys("TRIBUTARY_EDGE_AUTH_ENABLED", "TRIBUTARY_EDGE_MQTT_ALLOW_ANONYMOUS");
        }
        String fleet = String.join(" ", (List<String>) services.get("fleet").get("command"));
        assertThat(fleet).contains("--username fleet-simulator");
        assertThat(services.get("auth-setup").get("command").toString())
                .contains("/api/acl", "/api/principals", "fleet-simulator", "$${username}");
        assertThat((Map<String, Object>) services.get("fleet").get("depends_on")).containsKey("auth-setup");
    }

    @Test
    void servicesPointAtEveryKafkaBrokerOfTheDeployment() {
        Set<String> brokers = services.keySet().stream().filter(name -> name.matches("kafka-\\d+")).collect(Collectors.toSet());
        services.forEach((name, service) -> {
            Object servers = environment(name).get("KAFKA_BOOTSTRAP_SERVERS");
            if (servers != null) {
                assertThat(servers.toString().split(",")).as(name)
                        .containsExactlyInAnyOrderElementsOf(brokers.stream().map(b -> b + ":9092").toList());
            }
        });
    }

    private static List<Service> edges() {
        return Service.platform(EDGES).stream().filter(s -> s.module().equals("mqtt-edge")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> build(String service) {
        return (Map<String, String>) services.get(service).get("build");
    }

    private static String context(String service) {
        Map<String, String> build = build(service);
        return build == null ? null : build.get("context");
    }

    /**
     * auth-service takes the browser's address from X-Forwarded-For only from trusted proxies: in compose that
     * is the dashboard's fixed address and nothing wider (a range would let any container, or the network's
     * gateway, claim any address and escape the login throttle).
     */
    @Test
    @SuppressWarnings("unchecked")
    void authServiceTrustsTheDashboardsFixedAddressOnly() {
        Map<String, Object> networks = (Map<String, Object>) services.get("web-dashboard").get("networks");
        assertThat(networks).as("web-dashboard has a fixed address").isNotNull();
        String dashboard = ((Map<String, Object>) networks.get("default")).get("ipv4_address").toString();
        List<String> trusted = List.of(environment("auth-service").get("TRIBUTARY_AUTH_LOGIN_TRUSTED_PROXIES").toString().split(","));
        assertThat(trusted).contains(dashboard).allMatch(a -> !a.contains("/"), "single addresses, no ranges");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        assertThat(services).containsKey(service);
        Map<String, Object> env = (Map<String, Object>) services.get(service).get("environment");
        return env == null ? Map.of() : env;
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
