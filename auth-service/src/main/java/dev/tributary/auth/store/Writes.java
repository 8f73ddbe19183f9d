package dev.tributary.auth.store;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tributary.auth.Problem;

/** Waiting for a store write: a change is reported done only once the store (Kafka) holds it. */
public final class Writes {

    private static final long PATIENCE_SECONDS = 35; // the producer gives up after 30 s itself

    private Writes() {
    }

    public static void await(CompletionStage<Void> write) {
        try {
            write.toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw new Problem(Problem.Kind.UNAVAILABLE, "the auth topic did not take the change: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new Problem(Problem.Kind.UNAVAILABLE, "the auth topic did not take the change in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Problem(Problem.Kind.UNAVAILABLE, "interrupted", e);
        }
    }
}
