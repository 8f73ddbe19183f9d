package dev.tributary.edge.auth;

/**
 * Topic ACLs: whether a connected client may publish to a topic, subscribe to a filter, and be sent each
 * message. SUBSCRIBE is granted when some topic under the filter could be delivered; whether a message is
 * delivered is decided per message by the client's {@link ReceiveCheck}, under the rules of that moment.
 */
public interface Authorizer {

    boolean mayPublish(String clientId, String username, String topic);

    boolean maySubscribe(String clientId, String username, String filter);

    /**
     * The check of every PUBLISH of this client, for the life of one connection: the same decision as
     * {@link #mayPublish}, with what it can keep per client kept.
     */
    PublishCheck publishCheck(String clientId, String username);

    /** The check for every message sent to this client, for the life of one connection. */
    ReceiveCheck receiveCheck(String clientId, String username);
}
