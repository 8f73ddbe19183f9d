package dev.tributary.edge.auth;

import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Packet.ConnectCode;

/**
 * Decides a CONNECT. The answer may come later: a password hash is verified off the network threads.
 */
public interface Authenticator {

    /**
     * One CONNECT to decide. {@code certificateVerified}: the transport has proven who the client is, and
     * {@code password} is not needed; {@code username} is then the TLS client certificate's CN, or the user a
     * Unix socket peer's uid maps to.
     */
    record ConnectAttempt(String clientId, String username, byte[] password, String remoteAddress,
            boolean certificateVerified) {
    }

    CompletionStage<ConnectCode> authenticate(ConnectAttempt attempt);
}
