package dev.tributary.edge.auth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

/**
 * What every auth replica does the same way: it holds the current snapshot, tells the listeners of
 * each new one (old and new), and says whether it has loaded. A failing listener is logged and does
 * not keep the others, or the replica, from going on. Where snapshots come from is the subclass's
 * business: {@code authreplica.KafkaAuthReplica} reads the auth topic, {@link InMemoryAuthReplica} is set by a test.
 */
public abstract class PublishingReplica implements AuthReplica {

    private static final Logger LOG = Logger.getLogger(PublishingReplica.class);

    private final List<BiConsumer<AuthSnapshot, AuthSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile AuthSnapshot current = AuthSnapshot.EMPTY;
    private volatile boolean loaded;

    @Override
    public final AuthSnapshot snapshot() {
        return current;
    }

    @Override
    public final boolean isLoaded() {
        return loaded;
    }

    @Override
    public final void onChange(BiConsumer<AuthSnapshot, AuthSnapshot> listener) {
        listeners.add(listener);
    }

    /** Makes {@code next} the current snapshot and tells every listener. */
    protected final void publish(AuthSnapshot next) {
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

    protected final void loaded(boolean value) {
        loaded = value;
    }
}
