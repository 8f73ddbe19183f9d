package dev.tributary.edge.auth;

import java.util.concurrent.CompletionStage;

import dev.tributary.edge.protocol.Packet.ConnectCode;

/**
 * Decides a CONNECT. Allow-all until auth-service's replica plugs in (it answers from a local
 * copy of the auth topic, so the answer is usually immediate; the stage leaves room for a slow
 * password hash off the event loop).
 */
public interface Authenticator {

    CompletionStage<ConnectCode> authenticate(String clientId, String username, byte[] password, String remoteAddress);
}
