package dev.tributary.edge.auth;

import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Packet.ConnectCode;

/**
 * Decides a CONNECT. The answer may come later: a password hash is verified off the network threads.
 */
public interface Authenticator {

    /**
     * One CONNECT to decide. {@code username} is the certificate's CN when {@code certificateVerified}
     * (TLS has then proven who the client is, and {@code password} is not needed).
     */
    record ConnectAttempt(String clientId, String username, byte[] password, String remoteAddress,
            boolean certificateVerified) {
    }

    CompletionStage<ConnectCode> authenticate(ConnectAttempt attempt);
}
