package dev.tributary.edge.transport;

import java.io.File;
import java.util.Locale;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/** Builds the server's TLS context from PEM files, with messages that name the setting to fix. */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * @param clientAuth none, optional or required
     * @param trust PEM CA bundle for client certificates; required unless clientAuth is none
     */
    public static SslContext server(String certificate, String key, String clientAuth, String trust) {
        if (certificate == null || key == null) {
            throw new IllegalArgumentException("TLS is enabled but tributary.edge.tls.certificate and "
                    + "tributary.edge.tls.key are not both set (PEM files)");
        }
        ClientAuth auth = switch (clientAuth.toLowerCase(Locale.ROOT)) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "required" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException(
                    "tributary.edge.tls.client-auth must be none, optional or required: " + clientAuth);
        };
        if (auth != ClientAuth.NONE && trust == null) {
            throw new IllegalArgumentException("tributary.edge.tls.client-auth=" + clientAuth
                    + " needs tributary.edge.tls.trust-certificates (PEM CA bundle)");
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(readable(certificate), readable(key))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .clientAuth(auth);
            if (trust != null) {
                builder.trustManager(readable(trust));
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS certificate/key: " + e.getMessage(), e);
        }
    }

    private static File readable(String path) {
        File file = new File(path);
        if (!file.canRead()) {
            throw new IllegalArgumentException("cannot read " + path);
        }
        return file;
    }
}
