package dev.tributary.edge.auth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A replica set by hand, for tests. */
public final class InMemoryAuthReplica implements AuthReplica {

    private final List<BiConsumer<AuthSnapshot, AuthSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile AuthSnapshot snapshot = AuthSnapshot.EMPTY;
    private volatile boolean loaded = true;

    public void set(AuthSnapshot next) {
        AuthSnapshot previous = snapshot;
        snapshot = next;
        listeners.forEach(l -> l.accept(previous, next));
    }

    public void setLoaded(boolean value) {
        loaded = value;
    }

    @Override
    public AuthSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean isLoaded() {
        return loaded;
    }

    @Override
    public void onChange(BiConsumer<AuthSnapshot, AuthSnapshot> listener) {
        listeners.add(listener);
    }
}
