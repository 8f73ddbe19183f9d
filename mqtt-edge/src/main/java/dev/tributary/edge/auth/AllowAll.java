package dev.tributary.edge.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.protocol.Packet.ConnectCode;

/** Accepts every client and allows every topic: the stand-in until the auth issue's replica exists. */
public final class AllowAll implements Authenticator, Authorizer {

    private static final CompletionStage<ConnectCode> ACCEPTED = CompletableFuture.completedFuture(ConnectCode.ACCEPTED);

    @Override
    public CompletionStage<ConnectCode> authenticate(String clientId, String username, byte[] password, String remoteAddress) {
        return ACCEPTED;
    }

    @Override
    public boolean mayPublish(String clientId, String username, String topic) {
        return true;
    }

    @Override
    public boolean maySubscribe(String clientId, String username, String filter) {
        return true;
    }
}
