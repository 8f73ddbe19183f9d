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

    @Test
    void byDefault_anOriginOnTheEdgesOwnHost_isAllowed_anotherIs403_andNoOriginIsNoBrowser() {
        EmbeddedChannel defaults = new EmbeddedChannel(new WebSocketGate("/mqtt", List.of()));
        FullHttpRequest sameHost = upgrade("/mqtt", "http://127.0.0.1:8080", "mqtt");
        sameHost.headers().set(HttpHeaderNames.HOST, "127.0.0.1:9001");
        defaults.writeInbound(sameHost);
        FullHttpRequest passed = defaults.readInbound();
        assertThat(passed).as("the dashboard on another port of the same host").isSameAs(sameHost);
        passed.release();

        FullHttpRequest noOrigin = upgrade("/mqtt", null, "mqtt");
        defaults.writeInbound(noOrigin);
        passed = defaults.readInbound();
        assertThat(passed).isSameAs(noOrigin);
        passed.release();

        FullHttpRequest foreign = upgrade("/mqtt", "https://evil.example", "mqtt");
        foreign.headers().set(HttpHeaderNames.HOST, "127.0.0.1:9001");
        defaults.writeInbound(foreign);
        FullHttpResponse response = defaults.readOutbound();
        assertThat(response.status().code()).isEqualTo(403);
        response.release();
        assertThat(defaults.isOpen()).isFalse();
    }

    @Test
    void aStar_allowsEveryOrigin() {
        EmbeddedChannel any = new EmbeddedChannel(new WebSocketGate("/mqtt", List.of("*")));
        FullHttpRequest foreign = upgrade("/mqtt", "https://elsewhere.example", "mqtt");
        any.writeInbound(foreign);
        FullHttpRequest passed = any.readInbound();
        assertThat(passed).isSameAs(foreign);
        passed.release();
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
        if (origin != null) {
            request.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        request.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, protocols);
        request.headers().set(HttpHeaderNames.UPGRADE, "websocket");
        return request;
    }
}
