package dev.tributary.edge.transport;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.jboss.logging.Logger;

import dev.tributary.common.log.Untrusted;

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
 * Decides a WebSocket upgrade before Netty's handshaker sees it: the path must be the MQTT path, the
 * Origin an allowed one, and the client must offer an MQTT subprotocol [MQTT-6.0.0-3] when it offers any.
 * Anything else gets an HTTP error and is closed.
 *
 * <p>Origins: a browser sends the page's origin with every upgrade, and a page on any site may try to open
 * a WebSocket to the edge (cross-site WebSocket hijacking). Allowed are an Origin whose host is the host
 * the request was addressed to (the dashboard served from the edge's host, any port), the configured
 * origins, or every origin when {@code *} is configured. A request without an Origin is no browser's and
 * is let in, so device libraries that speak MQTT over WebSocket keep working.
 */
@Sharable
final class WebSocketGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(WebSocketGate.class);
    static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1", "mqttv3.1.1");

    private final String path;
    private final List<String> allowedOrigins;
    private final boolean anyOrigin;

    WebSocketGate(String path, List<String> allowedOrigins) {
        this.path = path;
        this.anyOrigin = allowedOrigins.contains("*");
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            String refusal = refusal(request);
            if (refusal != null) {
                HttpResponseStatus status = refusal.startsWith("origin") ? HttpResponseStatus.FORBIDDEN
                        : refusal.startsWith("path") ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_REQUEST;
                if (status == HttpResponseStatus.FORBIDDEN) {
                    LOG.infof("refusing WebSocket upgrade from %s: origin %s is not allowed (tributary.edge.websocket.allowed-origins)",
                            ctx.channel().remoteAddress(), Untrusted.quote(request.headers().get(HttpHeaderNames.ORIGIN)));
                } else {
                    LOG.debugf("refusing WebSocket upgrade from %s: %s", ctx.channel().remoteAddress(), refusal);
                }
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
            return "path " + Untrusted.quote(uri) + " is not " + path;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin, request.headers().get(HttpHeaderNames.HOST))) {
            return "origin " + Untrusted.quote(origin) + " is not allowed";
        }
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offered != null) {
            for (String protocol : offered.split(",")) {
                if (SUBPROTOCOLS.contains(protocol.trim().toLowerCase(Locale.ROOT))) {
                    return null;
                }
            }
            return "subprotocols " + Untrusted.quote(offered) + " include none of " + SUBPROTOCOLS;
        }
        return null;
    }

    private boolean originAllowed(String origin, String host) {
        if (anyOrigin) {
            return true;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(normalized)) {
            return true;
        }
        String originHost;
        try {
            originHost = URI.create(normalized).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return originHost != null && host != null && originHost.equals(hostOnly(host.trim().toLowerCase(Locale.ROOT)));
    }

    /** The host of a Host header: without its port, an IPv6 literal with its brackets as URI.getHost gives it. */
    private static String hostOnly(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
