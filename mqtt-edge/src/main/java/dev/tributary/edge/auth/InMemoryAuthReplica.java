package dev.tributary.edge.auth;

/** A replica set by hand, for tests: loaded from the start, until a test says otherwise. */
public final class InMemoryAuthReplica extends PublishingReplica {

    public InMemoryAuthReplica() {
        loaded(true);
    }

    public void set(AuthSnapshot next) {
        publish(next);
    }

    public void setLoaded(boolean value) {
        loaded(value);
    }
}
