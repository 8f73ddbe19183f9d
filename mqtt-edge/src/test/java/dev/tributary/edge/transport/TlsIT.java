package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import dev.tributary.testsupport.SharedKafka;
import dev.tributary.testsupport.TestCertificates;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** MQTT over TLS and WSS with client certificates, against certificates made for the run. */
@QuarkusTest
@TestProfile(TlsProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class TlsIT {

    @Inject
    EdgeNode node;

    private final TestCertificates certs = TlsProfile.certificates();

    @Test
    void clientWithACertificate_connectsOverTls_andItsCnIsItsUsername() throws Exception {
        String vehicle = "tls-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt3BlockingClient client = tlsClient(true).identifier(vehicle).serverPort(node.server().tlsPort()).buildBlocking();
        // the CONNECT claims another name: the verified certificate wins
        client.connectWith().simpleAuth().username("someone-else").password("x".getBytes()).applySimpleAuth().send();
        client.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes()).send();
        client.disconnect();
        assertThat(usernameOfMirroredRecord(vehicle)).isEqualTo(TlsProfile.CLIENT_CN);
    }

    @Test
    void clientWithoutACertificate_failsTheHandshake() {
        Mqtt3BlockingClient client = tlsClient(false).identifier("no-cert").serverPort(node.server().tlsPort()).buildBlocking();
        assertThatThrownBy(client::connect).isInstanceOf(RuntimeException.class);
    }

    @Test
    void tls12AndTls13_areBothAccepted() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(certs.clientKeyManagerFactory().getKeyManagers(), certs.trustManagerFactory().getTrustManagers(), null);
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", node.server().tlsPort())) {
                socket.setEnabledProtocols(new String[] { protocol });
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                socket.getOutputStream().write(RawMqttSocket.connectPacket("raw-" + protocol));
                byte[] connack = socket.getInputStream().readNBytes(4);
                assertThat(connack).containsExactly(0x20, 0x02, 0x00, 0x00);
            }
        }
    }

    @Test
    void webSocketOverTls_works() {
        Mqtt3BlockingClient client = tlsClient(true).identifier("wss-" + UUID.randomUUID())
                .serverPort(node.server().webSocketPort())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        client.connect();
        client.publishWith().topic("wss/check").qos(MqttQos.AT_LEAST_ONCE).payload("ok".getBytes()).send();
        client.disconnect();
    }

    @Test
    void plainWebSocket_onTheSamePortAsWss_works() {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().serverHost("127.0.0.1")
                .identifier("ws-" + UUID.randomUUID())
                .serverPort(node.server().webSocketPort())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        client.connect();
        client.publishWith().topic("ws/check").qos(MqttQos.AT_LEAST_ONCE).payload("ok".getBytes()).send();
        client.disconnect();
    }

    @Test
    void wssClientWithACertificate_isKnownByItsCn() throws Exception {
        String vehicle = "wss-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt3BlockingClient client = tlsClient(true).identifier(vehicle)
                .serverPort(node.server().webSocketPort())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        client.connect();
        client.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes()).send();
        client.disconnect();
        assertThat(usernameOfMirroredRecord(vehicle)).isEqualTo(TlsProfile.CLIENT_CN);
    }

    @Test
    void mqtt5ClientWithACertificate_connectsOverTls_andItsUserPropertiesReachKafka() throws Exception {
        String vehicle = "tls5-" + UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1")
                .sslConfig().trustManagerFactory(certs.trustManagerFactory()).keyManagerFactory(certs.clientKeyManagerFactory())
                .applySslConfig().identifier(vehicle).serverPort(node.server().tlsPort()).buildBlocking();
        assertThat(client.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        client.publishWith().topic("fleet/" + vehicle + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes())
                .userProperties().add("over", "tls").applyUserProperties().send();
        client.disconnect();
        assertThat(usernameOfMirroredRecord(vehicle)).isEqualTo(TlsProfile.CLIENT_CN);
    }

    private Mqtt3ClientBuilder tlsClient(boolean withCertificate) {
        var ssl = MqttClient.builder().useMqttVersion3().serverHost("127.0.0.1")
                .sslConfig().trustManagerFactory(certs.trustManagerFactory());
        if (withCertificate) {
            ssl = ssl.keyManagerFactory(certs.clientKeyManagerFactory());
        }
        return ssl.applySslConfig();
    }

    private static String usernameOfMirroredRecord(String vehicle) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "tls-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tributary.fleet.raw"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    if (vehicle.equals(record.key())) {
                        var header = record.headers().lastHeader(MirrorHeaders.USERNAME);
                        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new AssertionError("no record for " + vehicle);
    }

}
