package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;

import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** MQTT over WebSocket: a real client library, and raw frames for what libraries never send. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class WebSocketIT {

    @Inject
    EdgeNode node;

    @Test
    void webSocketClient_andTcpClient_shareOneBroker() throws Exception {
        Mqtt3BlockingClient browserLike = MqttClient.builder().useMqttVersion3().identifier("ws-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(node.server().webSocketPort())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        browserLike.connect();
        Mqtt3BlockingClient device = MqttClient.builder().useMqttVersion3().identifier("tcp-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(node.server().port()).buildBlocking();
        device.connect();
        try (var publishes = browserLike.publishes(MqttGlobalPublishFilter.ALL)) {
            browserLike.subscribeWith().topicFilter("ws/+/telemetry").qos(MqttQos.AT_LEAST_ONCE).send();
            device.publishWith().topic("ws/v1/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("42".getBytes()).send();
            var received = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(received).isPresent();
            assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("42");

            // and the other way round
            try (var devicePublishes = device.publishes(MqttGlobalPublishFilter.ALL)) {
                device.subscribeWith().topicFilter("ws/v1/commands").qos(MqttQos.AT_LEAST_ONCE).send();
                browserLike.publishWith().topic("ws/v1/commands").qos(MqttQos.AT_LEAST_ONCE).payload("honk".getBytes()).send();
                assertThat(devicePublishes.receive(5, TimeUnit.SECONDS)).isPresent();
            }
        } finally {
            browserLike.disconnect();
            device.disconnect();
        }
    }

    @Test
    void connectSplitOverTwoFrames_isReassembled_MQTT_6_0_0_2() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("mqtt", frames);
        byte[] connect = RawMqttSocket.connectPacket("fragmented");
        ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(connect, 0, 7)), false).get(5, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(connect, 7, connect.length)), true).get(5, TimeUnit.SECONDS);
        byte[] connack = frames.binary.poll(5, TimeUnit.SECONDS);
        assertThat(connack).containsExactly(0x20, 0x02, 0x00, 0x00);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void frameLargerThanThePacketLimit_closesTheConnection() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("mqtt", frames);
        ws.sendBinary(ByteBuffer.wrap(RawMqttSocket.connectPacket("oversize")), true).get(5, TimeUnit.SECONDS);
        assertThat(frames.binary.poll(5, TimeUnit.SECONDS)).isNotNull();
        ws.sendBinary(ByteBuffer.allocate(70_000), true); // the test profile allows 65,536-byte packets
        // The edge refuses the frame from its header and closes with 1009 (message too big). The rest of
        // the 70,000 bytes is still unread in its socket then, so the kernel may answer with a reset that
        // overtakes the close frame: either way the connection is closed by the server, nothing else.
        try {
            assertThat(frames.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
        } catch (ExecutionException reset) {
            assertThat(reset.getCause()).isInstanceOf(IOException.class).hasMessageContaining("reset");
        }
        assertThat(ws.isInputClosed()).as("the server ended the connection").isTrue();
    }

    @Test
    void textFrame_closesTheConnection_MQTT_6_0_0_1() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("mqtt", frames);
        ws.sendText("CONNECT please", true).get(5, TimeUnit.SECONDS);
        assertThat(frames.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1003); // unsupported data
    }

    @Test
    void handshakeWithoutAnMqttSubprotocol_isRefused_MQTT_6_0_0_3() {
        assertThatThrownBy(() -> open("chat", new Frames()))
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void aBrowserPageOnAnotherSite_isRefused_butTheEdgesOwnHostAndClientsWithoutAnOriginGetIn() throws Exception {
        // a page on another site opening a WebSocket to the edge in a victim's browser: 403 before any MQTT
        assertThatThrownBy(() -> open("mqtt", new Frames(), "https://evil.example"))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .cause().satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
        Frames frames = new Frames();
        WebSocket dashboard = open("mqtt", frames, "http://127.0.0.1:8080");
        dashboard.sendBinary(ByteBuffer.wrap(RawMqttSocket.connectPacket("same-host-origin")), true).get(5, TimeUnit.SECONDS);
        assertThat(frames.binary.poll(5, TimeUnit.SECONDS)).containsExactly(0x20, 0x02, 0x00, 0x00);
        dashboard.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }

    private WebSocket open(String subprotocol, Frames frames, String origin) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(subprotocol).header("Origin", origin)
                .buildAsync(URI.create("ws://127.0.0.1:" + node.server().webSocketPort() + "/mqtt"), frames)
                .get(5, TimeUnit.SECONDS);
    }

    private WebSocket open(String subprotocol, Frames frames) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(subprotocol)
                .buildAsync(URI.create("ws://127.0.0.1:" + node.server().webSocketPort() + "/mqtt"), frames)
                .get(5, TimeUnit.SECONDS);
    }


    /** Collects what the server sends: whole binary messages, and the close code. */
    private static final class Frames implements WebSocket.Listener {
        final LinkedBlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                binary.add(partial.toByteArray());
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
