package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

class WebSocketGateTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(
            new WebSocketGate("/mqtt", List.of("http://127.0.0.1:8080")));

    @Test
    void upgradeFromAnAllowedOriginWithMqtt_passesOn() {
        FullHttpRequest request = upgrade("/mqtt", "http://127.0.0.1:8080", "mqtt");
        channel.writeInbound(request);
        FullHttpRequest passed = channel.readInbound();
        assertThat(passed).isSameAs(request);
        passed.release();
    }

    @Test
    void otherOrigin_is403() {
        channel.writeInbound(upgrade("/mqtt", "http://evil.example", "mqtt"));
        assertStatus(403);
    }

    @Test
    void otherPath_is404() {
        channel.writeInbound(upgrade("/other", "http://127.0.0.1:8080", "mqtt"));
        assertStatus(404);
    }

    @Test
    void noMqttSubprotocol_is400() {
        channel.writeInbound(upgrade("/mqtt", "http://127.0.0.1:8080", "chat, superchat"));
        assertStatus(400);
    }

    private void assertStatus(int code) {
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(code);
        response.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    private static FullHttpRequest upgrade(String path, String origin, String protocols) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set(HttpHeaderNames.ORIGIN, origin);
        request.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, protocols);
        request.headers().set(HttpHeaderNames.UPGRADE, "websocket");
        return request;
    }
}
