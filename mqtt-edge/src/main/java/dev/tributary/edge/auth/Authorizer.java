package dev.tributary.edge.auth;

/** Topic ACLs: whether a connected client may publish to a topic or subscribe to a filter. */
public interface Authorizer {

    boolean mayPublish(String clientId, String username, String topic);

    boolean maySubscribe(String clientId, String username, String filter);
}
