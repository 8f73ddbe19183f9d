package dev.tributary.edge.auth;

import java.util.function.BiConsumer;

/**
 * The edge's copy of the auth topic: the latest snapshot, and a listener told of every change (old and new
 * snapshot), so live connections of a disabled or deleted principal can be closed. The Kafka replica serves
 * the node; {@link InMemoryAuthReplica} serves unit tests.
 */
public interface AuthReplica {

    AuthSnapshot snapshot();

    /** False until the replica has read the topic to its end once: until then no CONNECT can be decided. */
    boolean isLoaded();

    void onChange(BiConsumer<AuthSnapshot, AuthSnapshot> listener);
}
