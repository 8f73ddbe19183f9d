package dev.tributary.systemtests.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;

import dev.tributary.testsupport.AuthServiceProcess;
import dev.tributary.testsupport.Browser;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * The dashboard with login, as {@code ./tributary up} runs it: the packaged auth-service issuing tokens that
 * live {@value #TOKEN_SECONDS} s, the packaged edge checking them, the packaged web-dashboard reading the
 * vehicles' past from a curated topic that this test fills with records at past timestamps (as the
 * ingest-connector writes them: CloudEvents binary mode, keyed by vehicle), and a real headless Chromium.
 * The vehicles are known to the page from their retained status, published by a device over MQTT.
 * The map has no tile URL: only the bundled offline layer. Screenshots land in target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardHistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SECONDS = Duration.ofSeconds(30);
    private static final int TOKEN_SECONDS = 12;
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String AUTH_TOPIC = "tributary.auth.dashboard-history-" + SUFFIX;
    private static final String CURATED = "tributary.fleet.curated.dashboard-" + SUFFIX;
    private static final String STATS = "tributary.fleet.stats.dashboard-" + SUFFIX;
    /** Telemetry records of h1 in the curated topic: one every 5 s over the 4 min 50 s before the test starts. */
    private static final int H1_RECORDS = 58;
    private static final String OPERATOR = "op-" + SUFFIX;
    private static final String LIMITED = "lim-" + SUFFIX;
    private static final String DEVICE = "dev-" + SUFFIX;
    private static final String PASSWORD = "dashboard-secret-1";

    private static AuthServiceProcess authService;
    private static EdgeProcess edge;
    private static ServiceProcess dashboard;
    private static String page;
    private static Browser browser;
    private static Mqtt3BlockingClient device;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path root = ServiceProcess.root();
        Path work = Files.createTempDirectory("dashboard-history-it");
        String kafka = SharedKafka.get().bootstrapServers();
        authService = AuthServiceProcess.start(root, work, kafka, AUTH_TOPIC,
                Map.of("TRIBUTARY_AUTH_TOKENS_LIFETIME", TOKEN_SECONDS + "s"));
        var acl = authService.http().admin("PUT", "/api/acl", """
                [{"who":"group","name":"dashboard","topicFilter":"#","action":"subscribe","allow":true},
                 {"who":"group","name":"dashboard","topicFilter":"$SYS/#","action":"subscribe","allow":true},
                 {"who":"user","name":"%s","topicFilter":"fleet/h1/#","action":"subscribe","allow":true},
                 {"who":"user","name":"%s","topicFilter":"fleet/#","action":"publish","allow":true}]"""
                .formatted(LIMITED, DEVICE));
        assertThat(acl.statusCode()).as(acl.body()).isEqualTo(200);
        createUser(OPERATOR, "[\"dashboard\"]");
        createUser(LIMITED, "[]");
        createUser(DEVICE, "[]");
        edge = EdgeProcess.builder(root, work).authFrom(kafka, AUTH_TOPIC)
                .settings(Map.of("TRIBUTARY_EDGE_SYS_INTERVAL", "2s")).start();
        fillTopics(kafka);

        int port = ServiceProcess.freePort();
        ProcessBuilder command = ServiceProcess.quarkusApp(root, "web-dashboard", List.of("-Xmx256m"));
        Map<String, String> env = command.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        env.put("TRIBUTARY_DASHBOARD_LOGIN_AUTH_URL", authService.url());
        env.put("TRIBUTARY_DASHBOARD_MQTT_URL", "ws://{host}:" + edge.webSocketPort() + "/mqtt");
        env.put("TRIBUTARY_DASHBOARD_AUTH_TOPIC", AUTH_TOPIC);
        // expiry is tested in seconds here, not in the 30 s a real deployment tolerates
        env.put("TRIBUTARY_DASHBOARD_AUTH_TOKEN_CLOCK_SKEW", "0s");
        env.put("TRIBUTARY_DASHBOARD_HISTORY_TOPIC", CURATED);
        env.put("TRIBUTARY_DASHBOARD_STATS_TOPIC", STATS);
        env.put("TRIBUTARY_DASHBOARD_MAP_TILE_URL", "");
        // the records' timestamps are fixed when the test starts: 15 minutes keep all of them in the window
        env.put("TRIBUTARY_DASHBOARD_HISTORY_INITIAL_MINUTES", "15");
        env.put("TRIBUTARY_DASHBOARD_OPERATIONS_SERVICES",
                "mqtt-edge-1=http://127.0.0.1:" + edge.httpPort() + ",auth-service=" + authService.url());
        page = "http://127.0.0.1:" + port + "/";
        dashboard = ServiceProcess.start("web-dashboard", command, work.resolve("web-dashboard.log"),
                ServiceProcess.Readiness.httpOk(URI.create(page + "q/health/ready")));

        // the vehicles' retained status, so that the page knows them at once
        device = MqttClient.builder().useMqttVersion3().identifier(DEVICE).serverHost("127.0.0.1").serverPort(edge.port())
                .buildBlocking();
        org.awaitility.Awaitility.await().atMost(SECONDS).ignoreExceptions().until(() -> {
            device.connectWith().simpleAuth().username(DEVICE).password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            return true;
        });
        for (String vehicle : new String[] {"h1", "h2"}) {
            device.publishWith().topic("fleet/" + vehicle + "/status").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload("{\"online\":true}".getBytes(StandardCharsets.UTF_8)).send();
        }
        browser = new Browser();
    }

    private static void createUser(String name, String groups) {
        var created = authService.http().admin("POST", "/api/principals",
                "{\"username\":\"" + name + "\",\"kind\":\"user\",\"password\":\"" + PASSWORD + "\",\"groups\":" + groups + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** h1: 58 telemetry records moving north-east plus a status record the history skips; h2: 10; h1's stats: 4 minutes. */
    private static void fillTopics(String kafka) throws Exception {
        Map<String, Object> config = Map.of("bootstrap.servers", kafka);
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(CURATED, 3, (short) 1), new NewTopic(STATS, 3, (short) 1))).all().get();
        }
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < H1_RECORDS; i++) {
                long ts = now - 290_000 + i * 5_000L;
                producer.send(curated("h1", ts, "dev.tributary.fleet.telemetry.v1", String.format(java.util.Locale.ROOT,
                        "{\"vehicle\":\"h1\",\"seq\":%d,\"ts\":%d,\"lat\":%.5f,\"lon\":%.5f,\"speed\":%d,\"heading\":45,"
                                + "\"fuel\":80.0,\"engineTemp\":90.0,\"battery\":12.6}",
                        i, ts, 52.50 + i * 0.001, 13.40 + i * 0.001, 30 + i)));
            }
            producer.send(curated("h1", now - 100_000, "dev.tributary.fleet.status.v1", "{\"online\":true}"));
            for (int i = 0; i < 10; i++) {
                long ts = now - 100_000 + i * 5_000L;
                producer.send(curated("h2", ts, "dev.tributary.fleet.telemetry.v1", String.format(java.util.Locale.ROOT,
                        "{\"vehicle\":\"h2\",\"seq\":%d,\"ts\":%d,\"lat\":48.1,\"lon\":11.5,\"speed\":10,\"heading\":0,"
                                + "\"fuel\":50.0,\"engineTemp\":80.0,\"battery\":12.1}", i, ts)));
            }
            for (int m = 4; m >= 1; m--) {
                long start = (now / 60_000 - m) * 60_000;
                producer.send(new ProducerRecord<>(STATS, null, start + 60_000, "h1", String.format(java.util.Locale.ROOT,
                        "{\"version\":1,\"vehicle\":\"h1\",\"windowStart\":%d,\"windowEnd\":%d,\"count\":12,\"speedAvg\":%d.5,"
                                + "\"speedMax\":%d.0,\"distanceMeters\":750.0}", start, start + 60_000, 40 + m, 50 + m)));
            }
            producer.flush();
        }
    }

    private static ProducerRecord<String, String> curated(String vehicle, long ts, String type, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>(CURATED, null, ts, vehicle, json);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
                .add("ce_id", (CURATED + "-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
                .add("ce_source", ("fleet/" + vehicle + "/telemetry").getBytes(StandardCharsets.UTF_8))
                .add("ce_type", type.getBytes(StandardCharsets.UTF_8))
                .add("ce_time", Instant.ofEpochMilli(ts).toString().getBytes(StandardCharsets.UTF_8))
                .add("ce_subject", vehicle.getBytes(StandardCharsets.UTF_8))
                .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        for (AutoCloseable part : new AutoCloseable[] { dashboard, edge, authService }) {
            if (part != null) {
                part.close();
            }
        }
        if (device != null && device.getState().isConnected()) {
            device.disconnect();
        }
    }

    // ---- the page

    @Test
    @Order(1)
    void afterLogin_theMapShowsTheOfflineLayer_andEachVehiclesTrackFromKafka() {
        browser.open(page);
        browser.awaitUpTo(SECONDS, () -> browser.find("#login").isDisplayed());
        browser.find("#login-user").sendKeys(OPERATOR);
        browser.find("#login-password").sendKeys(PASSWORD);
        browser.click("#login-submit");
        browser.awaitUpTo(SECONDS, () -> browser.text("#connection-state").equals("connected"));
        browser.click("#tab-map");
        browser.awaitUpTo(SECONDS, () -> (Long) browser.script("return tributaryMap().landFeatures") > 0);
        assertThat((Long) browser.script("return document.querySelectorAll('#fleet-map path.land').length"))
                .as("land outlines drawn as SVG paths").isGreaterThan(0);
        assertThat((Long) browser.script("return document.querySelectorAll('#fleet-map .leaflet-tile').length"))
                .as("no tile layer without a tile URL").isZero();
        browser.awaitUpTo(SECONDS, () -> trackLength("h1") == H1_RECORDS && trackLength("h2") == 10);
        assertThat((Long) browser.script("return document.querySelectorAll('#fleet-map path.vehicle-track').length")).isEqualTo(2L);
        assertThat((Long) browser.script("return document.querySelectorAll('#fleet-map path.vehicle-marker').length")).isEqualTo(2L);
        browser.screenshot("history-map");
    }

    @Test
    @Order(2)
    void theVehicleView_plotsTheChosenRangeFromKafka_andThePerMinuteStatistics() {
        browser.click("#tab-vehicle");
        browser.script("const s = document.getElementById('vehicle-select'); s.value = 'h1';"
                + " s.dispatchEvent(new Event('change'));");
        browser.awaitUpTo(SECONDS, () -> speedPoints() == H1_RECORDS);
        browser.script("const r = document.getElementById('vehicle-range'); r.value = '15';"
                + " r.dispatchEvent(new Event('change'));");
        browser.awaitUpTo(SECONDS, () -> browser.text("#vehicle-history-note").startsWith(H1_RECORDS + " samples of the last 15 min"));
        assertThat(speedPoints()).isEqualTo(H1_RECORDS);
        assertThat(((Number) browser.script("return Math.max(...Chart.getChart('chart-speed').data.datasets[0].data.map(p => p.y))"))
                .doubleValue()).isEqualTo(30.0 + H1_RECORDS - 1);
        browser.awaitUpTo(SECONDS, () -> browser.findAll("#vehicle-stats tbody tr").size() == 4);
        assertThat(browser.text("#vehicle-stats tbody")).contains("41.5", "54.0", "0.750");
        browser.screenshot("history-vehicle");
    }

    @Test
    @Order(3)
    void aReload_keepsTheLogin_andStartsTheTracksAndChartsFromKafkaAgain() {
        browser.open(page);
        browser.awaitUpTo(SECONDS, () -> browser.text("#connection-state").equals("connected"));
        assertThat(browser.find("#login").isDisplayed()).as("no password asked").isFalse();
        assertThat(browser.text("#user-name")).isEqualTo(OPERATOR);
        browser.awaitUpTo(SECONDS, () -> (Long) browser.script("return tributaryHistoryLoads.done") == 2L);
        browser.click("#tab-map");
        browser.awaitUpTo(SECONDS, () -> trackLength("h1") == H1_RECORDS);
        browser.click("#tab-vehicle");
        browser.script("const s = document.getElementById('vehicle-select'); s.value = 'h1';"
                + " s.dispatchEvent(new Event('change'));");
        browser.awaitUpTo(SECONDS, () -> speedPoints() == H1_RECORDS);
        browser.screenshot("history-after-reload");
    }

    @Test
    @Order(4)
    void theTokenIsRefreshedBeforeItExpires_andTheExpiredOneIsRefused() throws Exception {
        String first = pageToken();
        long firstExpiresAt = (Long) browser.script("return JSON.parse(sessionStorage.getItem('tributary.session')).expiresAt");
        browser.awaitUpTo(Duration.ofSeconds(TOKEN_SECONDS * 2L), () -> !pageToken().equals(first));
        // past the first token's expiry: the page goes on with its refreshed token
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(TOKEN_SECONDS * 2L))
                .until(() -> System.currentTimeMillis() > firstExpiresAt + 1000);
        assertThat(get("api/vehicles/h1/history?minutes=5", first).statusCode()).as("the first token, expired").isEqualTo(401);
        String current = pageToken();
        HttpResponse<String> fresh = get("api/vehicles/h1/history?minutes=15", current);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(JSON.readTree(fresh.body())).hasSize(H1_RECORDS);
        assertThat(browser.text("#connection-state")).isEqualTo("connected");
        assertThat(browser.find("#login").isDisplayed()).isFalse();
    }

    @Test
    @Order(5)
    void theOperationsView_showsTheEdgesSysFigures_andEachServicesHealthAndMetrics() {
        assertThat(browser.find("#tab-operations").isDisplayed()).as("the operator is in the group dashboard").isTrue();
        browser.click("#tab-operations");
        browser.awaitUpTo(SECONDS, () -> browser.text("#ops-sys").contains("$SYS/broker/clients/connected"));
        browser.awaitUpTo(SECONDS, () -> browser.text("[data-service='mqtt-edge-1'] h3").contains("UP")
                && browser.text("[data-service='auth-service'] h3").contains("UP"));
        assertThat(browser.text("[data-service='mqtt-edge-1']")).contains("tributary_");
        browser.screenshot("history-operations");
    }

    @Test
    @Order(6)
    void logOut_endsTheToken_theApiAndRefreshRefuseIt_andTheLoginFormIsBack() throws Exception {
        String token = pageToken();
        browser.click("#logout");
        browser.awaitUpTo(SECONDS, () -> browser.find("#login").isDisplayed());
        assertThat(browser.script("return sessionStorage.getItem('tributary.session')")).isNull();
        assertThat(get("api/vehicles/h1/history?minutes=5", token).statusCode()).isEqualTo(401);
        HttpResponse<String> refresh = HTTP.send(HttpRequest.newBuilder(URI.create(page + "api/login/refresh"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refresh.statusCode()).isEqualTo(401);
        HttpResponse<String> atAuthService = HTTP.send(HttpRequest.newBuilder(URI.create(authService.url() + "/api/tokens/refresh"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(atAuthService.statusCode()).as("auth-service will not refresh an ended token either").isEqualTo(401);
        browser.open(page);
        browser.awaitUpTo(SECONDS, () -> browser.find("#login").isDisplayed());
        browser.screenshot("history-logged-out");
    }

    // ---- the API

    @Test
    void history_givesTheVehiclesTelemetry_oldestFirst_withoutOtherVehiclesOrOtherRecordTypes() throws Exception {
        HttpResponse<String> answer = get("api/vehicles/h1/history?minutes=15", login(OPERATOR));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode samples = JSON.readTree(answer.body());
        assertThat(samples).hasSize(H1_RECORDS);
        assertThat(samples.get(0).get("seq").asInt()).isZero();
        assertThat(samples.get(H1_RECORDS - 1).get("seq").asInt()).isEqualTo(H1_RECORDS - 1);
        for (JsonNode sample : samples) {
            assertThat(sample.get("vehicle").asText()).isEqualTo("h1");
            assertThat(sample.has("lat") && sample.has("lon") && sample.has("speed") && sample.has("ts")).isTrue();
        }
        assertThat(answer.headers().firstValue("X-Tributary-Truncated")).hasValue("false");
    }

    @Test
    void aUserWhoMayNotSubscribeToAVehiclesTelemetry_gets403_forItsHistoryAndStats() throws Exception {
        String token = login(LIMITED);
        assertThat(get("api/vehicles/h1/history?minutes=5", token).statusCode()).as("fleet/h1/# is allowed").isEqualTo(200);
        assertThat(get("api/vehicles/h2/history?minutes=5", token).statusCode()).isEqualTo(403);
        assertThat(get("api/vehicles/h2/stats?minutes=15", token).statusCode()).isEqualTo(403);
        assertThat(get("api/operations", token).statusCode()).as("not in the group dashboard").isEqualTo(403);
    }

    @Test
    void badInput_gets400_andNoOrABadToken_gets401() throws Exception {
        String token = login(OPERATOR);
        for (String path : new String[] {"api/vehicles/h1/history?minutes=7", "api/vehicles/h1/history?minutes=",
                "api/vehicles/h1/history", "api/vehicles/h1/history?minutes=5x", "api/vehicles/h%2B/history?minutes=5",
                "api/vehicles/%24SYS/history?minutes=5", "api/vehicles/" + "a".repeat(65) + "/history?minutes=5",
                "api/vehicles/h1/stats?minutes=0", "api/vehicles/h1/stats?minutes=100000"}) {
            assertThat(get(path, token).statusCode()).as(path).isEqualTo(400);
        }
        assertThat(get("api/vehicles/h1/history?minutes=5", null).statusCode()).isEqualTo(401);
        assertThat(get("api/vehicles/h1/history?minutes=5", token.substring(0, token.length() - 4) + "AAAA").statusCode())
                .as("a tampered signature").isEqualTo(401);
        assertThat(get("api/vehicles/h1/stats?minutes=15", token).statusCode()).isEqualTo(200);
    }

    // ---- helpers

    private static String login(String user) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(page + "api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("token").asText();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(page + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String pageToken() {
        return (String) browser.script("return JSON.parse(sessionStorage.getItem('tributary.session')).token");
    }

    private static long trackLength(String vehicle) {
        Object length = browser.script("return tributaryMap().tracks[arguments[0]] || 0", vehicle);
        return ((Number) length).longValue();
    }

    private static long speedPoints() {
        return ((Number) browser.script("return Chart.getChart('chart-speed').data.datasets[0].data.length")).longValue();
    }
}
