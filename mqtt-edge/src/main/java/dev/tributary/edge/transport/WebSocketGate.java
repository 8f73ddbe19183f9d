package dev.tributary.edge.transport;

import java.util.List;
import java.util.Locale;

import org.jboss.logging.Logger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Decides a WebSocket upgrade before Netty's handshaker sees it: the path must be the MQTT path,
 * the Origin (if origins are restricted) an allowed one, and the client must offer an MQTT
 * subprotocol [MQTT-6.0.0-3] when it offers any. Anything else gets an HTTP error and is closed.
 */
@Sharable
final class WebSocketGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(WebSocketGate.class);
    static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1", "mqttv3.1.1");

    private final String path;
    private final List<String> allowedOrigins;

    WebSocketGate(String path, List<String> allowedOrigins) {
        this.path = path;
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            String refusal = refusal(request);
            if (refusal != null) {
                HttpResponseStatus status = refusal.startsWith("origin") ? HttpResponseStatus.FORBIDDEN
                        : refusal.startsWith("path") ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_REQUEST;
                LOG.debugf("refusing WebSocket upgrade from %s: %s", ctx.channel().remoteAddress(), refusal);
                ReferenceCountUtil.release(request);
                var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                        Unpooled.copiedBuffer(refusal + "\n", java.nio.charset.StandardCharsets.UTF_8));
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private String refusal(FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        if (!(query < 0 ? uri : uri.substring(0, query)).equals(path)) {
            return "path " + uri + " is not " + path;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!allowedOrigins.isEmpty() && (origin == null || !allowedOrigins.contains(origin))) {
            return "origin " + origin + " is not allowed";
        }
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offered != null) {
            for (String protocol : offered.split(",")) {
                if (SUBPROTOCOLS.contains(protocol.trim().toLowerCase(Locale.ROOT))) {
                    return null;
                }
            }
            return "subprotocols " + offered + " include none of " + SUBPROTOCOLS;
        }
        return null;
    }
}
