package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.MqttBytes;
import dev.tributary.testsupport.NettyLeakCheck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Hostile and broken input, byte by byte (after Mosquitto's 01-bad-initial-packets): each costs
 * the sender its connection, is counted, and leaves the broker serving everyone else. Netty
 * runs with paranoid leak detection; any leak report fails the class.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class BadInputIT {

    @Inject
    EdgeNode node;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @AfterEach
    void brokerStillServesOthers() throws Exception {
        try (RawMqttSocket other = new RawMqttSocket(port())) {
            other.connect("bystander", 60, null, null);
            assertThat(other.connackCode()).isZero();
        }
    }

    @Test
    void packetBeforeConnect_closesWithoutAnswer_MQTT_3_1_0_1() throws Exception {
        double before = violations();
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            s.send(0xC0, 0x00); // PINGREQ
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
        assertThat(violations()).isGreaterThan(before);
    }

    @Test
    void unknownProtocolLevel_getsReturnCode1_MQTT_3_1_2_2() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            // CONNECT, "MQTT", level 6, clean session, keep alive 60, client id "c"
            s.send(0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x06, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c');
            assertThat(s.connackCode()).isEqualTo(1);
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void mqtt31Level3_isAccepted() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            // CONNECT, "MQIsdp", level 3, clean session, keep alive 60, client id "v31"
            s.send(0x10, 0x11, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02, 0x00, 0x3C, 0x00, 0x03, 'v', '3', '1');
            assertThat(s.connackCode()).isZero();
        }
    }

    @Test
    void subscribeWithMoreFiltersThanTheLimit_gets0x80ForTheExcess_MQTT_3_9_3() throws Exception {
        List<String> filters = IntStream.range(0, 105).mapToObj(i -> "many/" + i).toList();
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            s.send(RawMqttSocket.connectPacket("many-filters"));
            assertThat(s.connackCode()).isZero();
            s.send(MqttBytes.subscribe(7, filters, 1));
            byte[] suback = s.readPacket();
            assertThat(suback[0] & 0xFF).isEqualTo(0x90);
            assertThat(suback.length).isEqualTo(1 + 2 + 105);
            for (int i = 0; i < 105; i++) {
                assertThat(suback[3 + i] & 0xFF).as("return code of filter %d", i).isEqualTo(i < 100 ? 1 : 0x80);
            }
            s.send(0xC0, 0x00); // PINGREQ: still connected
            assertThat(s.readPacket()[0] & 0xFF).isEqualTo(0xD0);
        }
    }

    @Test
    void malformedRemainingLength_closes() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            s.send(0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F); // five length bytes: at most four are allowed
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void reservedFlagBits_close_MQTT_2_2_2_2() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "flags");
            s.send(0xC1, 0x00); // PINGREQ with flag bit 0 set
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void wildcardInPublishTopic_closes_MQTT_3_3_2_2() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "wild");
            s.send(0x30, 0x05, 0x00, 0x03, 'a', '/', '#'); // PUBLISH QoS 0 to "a/#"
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void invalidUtf8InTopic_closes_MQTT_1_5_3_1() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "utf8");
            s.send(0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 'x'); // 0xC3 0x28 is not UTF-8
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void nulCharacterInTopic_closes_MQTT_1_5_3_2() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "nul");
            s.send(0x30, 0x05, 0x00, 0x02, 'a', 0x00, 'x');
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void reservedPacketTypes_close() throws Exception {
        for (int type : new int[] { 0x00, 0xF0 }) {
            try (RawMqttSocket s = new RawMqttSocket(port())) {
                connected(s, "type-" + type);
                s.send(type, 0x00);
                assertThat(s.closedWithin(Duration.ofSeconds(3))).as("type %x", type).isTrue();
            }
        }
    }

    @Test
    void truncatedPacketFollowedByClose_costsOnlyThatConnection() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            s.send(0x10, 0x20, 0x00, 0x04, 'M', 'Q'); // promises 32 bytes, sends 4
        }
        // @AfterEach checks the broker still accepts others
    }

    @Test
    void oversizePacket_closes() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "big");
            int size = 70_000; // the test profile allows 65,536
            byte[] body = new byte[size];
            body[0] = 0x00;
            body[1] = 0x01;
            body[2] = 't';
            s.send(MqttBytes.packet(0x30, body));
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        } catch (java.net.SocketException reset) {
            // the broker may close while we are still writing the body: closed is what we want
        }
    }

    @Test
    void silentConnection_isClosedAfterTheConnectTimeout() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            assertThat(s.closedWithin(Duration.ofSeconds(5))).isTrue(); // test profile: 2 s
        }
    }

    @Test
    void secondConnect_closes_MQTT_3_1_0_2() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "twice");
            s.connect("twice", 60, null, null);
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void subscribeWithoutFilters_closes_MQTT_3_8_3_3() throws Exception {
        try (RawMqttSocket s = new RawMqttSocket(port())) {
            connected(s, "nosub");
            s.send(0x82, 0x02, 0x00, 0x01); // SUBSCRIBE id 1, no payload
            assertThat(s.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    private static void connected(RawMqttSocket s, String clientId) throws Exception {
        s.connect(clientId, 60, null, null);
        assertThat(s.connackCode()).isZero();
    }

    private int port() {
        return node.server().port();
    }

    private double violations() throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("tributary_mqtt_disconnects_total\\{reason=\"protocol_violation\"[^}]*\\} ([0-9.E]+)").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
