package dev.tributary.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;

import dev.tributary.testsupport.AuthServiceProcess;
import dev.tributary.testsupport.EdgeProcess;
import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/**
 * The whole chain: the packaged auth-service writes the auth topic in a real Kafka, the packaged
 * mqtt-edge replicates it, each in its own process, and real MQTT clients find what the REST calls said.
 */
class AuthEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH_TOPIC = "tributary.auth";
    private static AuthServiceProcess authService;
    private static EdgeProcess edge;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("auth-e2e");
        String kafka = SharedKafka.get().bootstrapServers();
        // tokens that expire within the test, as in auth-service's %test profile
        authService = AuthServiceProcess.start(ServiceProcess.root(), work, kafka, AUTH_TOPIC,
                Map.of("TRIBUTARY_AUTH_TOKENS_LIFETIME", "4s"));
        http = authService.http();
        edge = EdgeProcess.builder(ServiceProcess.root(), work).authFrom(kafka, AUTH_TOPIC)
                // expiry is tested in seconds here, not in the 30 s a real deployment tolerates
                .settings(Map.of("TRIBUTARY_EDGE_AUTH_TOKEN_CLOCK_SKEW", "0s")).start();
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
        if (authService != null) {
            authService.close();
        }
    }

    @BeforeEach
    void rules() {
        assertThat(http.admin("PUT", "/api/acl", """
                [{"who":"any","topicFilter":"fleet/${username}/#","action":"both","allow":true},
                 {"who":"group","name":"operators","topicFilter":"#","action":"subscribe","allow":true}]""").statusCode())
                .isEqualTo(200);
    }

    private String createDevice(String name, String groups) throws Exception {
        var created = http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"groups\":" + groups + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("password").asText();
    }

    private static Mqtt3BlockingClient client(String clientId) {
        return MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(edge.port()).buildBlocking();
    }

    /** Connects, retrying while the edge's replica has not seen the principal yet (it does within a second). */
    private static Mqtt3BlockingClient connected(String user, String password) {
        Mqtt3BlockingClient client = client(user);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    client.connectWith().simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8))
                            .applySimpleAuth().send();
                    return true;
                });
        return client;
    }

    private static Mqtt3ConnAckReturnCode refusal(String user, String password) {
        Throwable thrown = catchThrowable(() -> client(user + "-" + UUID.randomUUID()).connectWith().simpleAuth()
                .username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send());
        assertThat(thrown).isInstanceOf(Mqtt3ConnAckException.class);
        return ((Mqtt3ConnAckException) thrown).getMqttMessage().getReturnCode();
    }

    @Test
    void aDeviceCreatedOverRest_connectsOverMqtt_itsAllowedTopicsWork_andItsDeniedOnesDoNot() throws Exception {
        String device = "e2e-v" + UUID.randomUUID().toString().substring(0, 6);
        String operator = "e2e-op" + UUID.randomUUID().toString().substring(0, 6);
        String devicePassword = createDevice(device, "[]");
        String operatorPassword = createDevice(operator, "[\"operators\"]");

        Mqtt3BlockingClient watcher = connected(operator, operatorPassword);
        Mqtt3BlockingClient vehicle = connected(device, devicePassword);
        try (Mqtt3Publishes seen = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("fleet/#").qos(MqttQos.AT_LEAST_ONCE).send();
            vehicle.publishWith().topic("fleet/someone-else/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("denied".getBytes()).send();
            vehicle.publishWith().topic("fleet/" + device + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("allowed".getBytes()).send();
            Optional<Mqtt3Publish> first = seen.receive(10, TimeUnit.SECONDS);
            assertThat(first).isPresent();
            assertThat(new String(first.get().getPayloadAsBytes())).isEqualTo("allowed");
            assertThat(seen.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
        }
        // as in Mosquitto: fleet/# is granted to the device, which receives only what it may read under it
        try (Mqtt3Publishes own = vehicle.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(vehicle.subscribeWith().topicFilter("fleet/#").qos(MqttQos.AT_LEAST_ONCE).send().getReturnCodes())
                    .containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
            watcher.publishWith().topic("fleet/" + operator + "/note").qos(MqttQos.AT_LEAST_ONCE).payload("not yours".getBytes()).send();
            vehicle.publishWith().topic("fleet/" + device + "/again").qos(MqttQos.AT_LEAST_ONCE).payload("yours".getBytes()).send();
            Optional<Mqtt3Publish> delivered = own.receive(10, TimeUnit.SECONDS);
            assertThat(delivered).isPresent();
            assertThat(new String(delivered.get().getPayloadAsBytes())).isEqualTo("yours");
            assertThat(own.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            // and 0x80 only where nothing could ever be delivered
            Throwable refused = catchThrowable(() -> vehicle.subscribeWith().topicFilter("other/#").send());
            assertThat(refused).isInstanceOfSatisfying(Mqtt3SubAckException.class, e -> assertThat(e.getMqttMessage()
                    .getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
        } finally {
            watcher.disconnect();
            vehicle.disconnect();
        }
        assertThat(refusal(device, "not-" + devicePassword)).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void aToken_worksAsTheMqttPassword_andStopsWorkingAfterItExpires() throws Exception {
        String device = "e2e-tok" + UUID.randomUUID().toString().substring(0, 6);
        String password = createDevice(device, "[]");
        connected(device, password).disconnect(); // the edge knows the device now
        var issued = http.anonymous("POST", "/api/tokens", "{\"username\":\"" + device + "\",\"password\":\"" + password + "\"}");
        String token = JSON.readTree(issued.body()).get("token").asText();
        long expiresAtMillis = java.time.Instant.parse(JSON.readTree(issued.body()).get("expiresAt").asText()).toEpochMilli();

        Mqtt3BlockingClient withToken = client(device);
        withToken.connectWith().simpleAuth().username(device).password(token.getBytes(StandardCharsets.US_ASCII))
                .applySimpleAuth().send();
        withToken.disconnect();

        Thread.sleep(Math.max(0, expiresAtMillis - System.currentTimeMillis()) + 1_500); // lifetime 4 s, set above
        assertThat(refusal(device, token)).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void disablingADeviceOverRest_cutsItsLiveConnection() throws Exception {
        String device = "e2e-off" + UUID.randomUUID().toString().substring(0, 6);
        String password = createDevice(device, "[]");
        AtomicBoolean lost = new AtomicBoolean();
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(device).serverHost("127.0.0.1")
                .serverPort(edge.port()).addDisconnectedListener(c -> lost.set(true)).buildBlocking();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            client.connectWith().simpleAuth().username(device).password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            return true;
        });
        lost.set(false);
        assertThat(http.admin("POST", "/api/principals/" + device + "/disable", null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).untilTrue(lost);
        assertThat(refusal(device, password)).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    }

    @Test
    void aPasswdFileMadeByMosquittoPasswd_imports_andItsCredentialsConnect() throws Exception {
        Path dir = Files.createTempDirectory("mosquitto-import");
        Path passwd = dir.resolve("passwd");
        String pbkdf2User = "mq-" + UUID.randomUUID().toString().substring(0, 6);
        String sha512User = "mq-old-" + UUID.randomUUID().toString().substring(0, 6);
        run("mosquitto_passwd", "-b", "-c", passwd.toString(), pbkdf2User, "moved-over-1");
        run("mosquitto_passwd", "-H", "sha512", "-b", passwd.toString(), sha512User, "moved-over-2");
        assertThat(Files.readString(passwd)).contains(pbkdf2User + ":$7$", sha512User + ":$6$");

        var imported = http.adminText("/api/import/mosquitto/passwd", Files.readString(passwd));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(imported.body()).contains(pbkdf2User, sha512User);
        connected(pbkdf2User, "moved-over-1").disconnect();
        connected(sha512User, "moved-over-2").disconnect();
        assertThat(refusal(pbkdf2User, "moved-over-2")).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);

        var acl = http.adminText("/api/import/mosquitto/acl", "user " + pbkdf2User + "\ntopic readwrite legacy/" + pbkdf2User + "/#\n");
        assertThat(acl.body()).contains("\"rules\":1");
        Mqtt3BlockingClient moved = connected(pbkdf2User, "moved-over-1");
        try {
            assertThat(moved.subscribeWith().topicFilter("legacy/" + pbkdf2User + "/#").qos(MqttQos.AT_MOST_ONCE).send()
                    .getReturnCodes())
                    .containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_0);
        } finally {
            moved.disconnect();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
