package dev.tributary.edge.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tributary.edge.mqtt.Packet.ConnectCode;

/** Accepts every client and allows every topic: what tributary.edge.auth.enabled=false gives (tests, benchmarks). */
public final class AllowAll implements Authenticator, Authorizer {

    private static final CompletionStage<ConnectCode> ACCEPTED = CompletableFuture.completedFuture(ConnectCode.ACCEPTED);

    @Override
    public CompletionStage<ConnectCode> authenticate(ConnectAttempt attempt) {
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

    @Override
    public PublishCheck publishCheck(String clientId, String username) {
        return PublishCheck.ALLOW_ALL;
    }

    @Override
    public ReceiveCheck receiveCheck(String clientId, String username) {
        return ReceiveCheck.ALLOW_ALL;
    }
}
