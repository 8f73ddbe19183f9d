package dev.tributary.edge.auth;

/**
 * Whether one connected client may publish to a topic, asked for each of its PUBLISH packets. One instance
 * per connection, called only on that connection's own thread, so an implementation may keep per-client
 * state without locking.
 */
public interface PublishCheck {

    /** For brokers without ACLs. */
    PublishCheck ALLOW_ALL = topic -> true;

    boolean mayPublish(String topic);
}
