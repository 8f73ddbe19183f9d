package dev.tributary.edge.auth;

import java.util.function.BiConsumer;

/** A replica set by hand, for tests. */
public final class InMemoryAuthReplica implements AuthReplica {

    private final PublishedSnapshot snapshot = new PublishedSnapshot();
    private volatile boolean loaded = true;

    public void set(AuthSnapshot next) {
        snapshot.publish(next);
    }

    public void setLoaded(boolean value) {
        loaded = value;
    }

    @Override
    public AuthSnapshot snapshot() {
        return snapshot.current();
    }

    @Override
    public boolean isLoaded() {
        return loaded;
    }

    @Override
    public void onChange(BiConsumer<AuthSnapshot, AuthSnapshot> listener) {
        snapshot.onChange(listener);
    }
}
