package dev.tributary.auth.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The store for unit tests: the same records as Kafka would hold, nothing durable. */
public final class InMemoryAuthStore extends RecordStore {

    @Override
    protected synchronized CompletionStage<Void> write(String key, byte[] value) {
        contents.apply(key, value);
        return CompletableFuture.completedFuture(null);
    }
}
