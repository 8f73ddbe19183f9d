package dev.tributary.edge.auth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

/**
 * A replica's current snapshot and the listeners told of each new one (old and new). A failing
 * listener is logged and does not keep the others, or the replica, from going on.
 */
final class PublishedSnapshot {

    private static final Logger LOG = Logger.getLogger(PublishedSnapshot.class);

    private final List<BiConsumer<AuthSnapshot, AuthSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile AuthSnapshot current = AuthSnapshot.EMPTY;

    AuthSnapshot current() {
        return current;
    }

    void onChange(BiConsumer<AuthSnapshot, AuthSnapshot> listener) {
        listeners.add(listener);
    }

    void publish(AuthSnapshot next) {
        AuthSnapshot previous = current;
        current = next;
        for (BiConsumer<AuthSnapshot, AuthSnapshot> listener : listeners) {
            try {
                listener.accept(previous, next);
            } catch (RuntimeException e) {
                LOG.errorf(e, "auth change listener failed");
            }
        }
    }
}
