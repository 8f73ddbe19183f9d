package dev.tributary.edge.transport;

import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;

/**
 * Netty's TLS detection on a port that serves WS and WSS: a connection whose first bytes are a TLS record
 * gets the TLS handler, under the same name as on a TLS-only listener (client certificates are read from
 * it), and a plain HTTP request goes on without one.
 */
final class TlsDetector extends OptionalSslHandler {

    TlsDetector(SslContext context) {
        super(context);
    }

    @Override
    protected String newSslHandlerName() {
        return ChannelHandlerNames.TLS;
    }
}
