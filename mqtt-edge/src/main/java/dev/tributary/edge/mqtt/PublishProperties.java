package dev.tributary.edge.mqtt;

import java.util.List;

/**
 * The MQTT 5 properties of a PUBLISH (and of a will) that travel with the message from the publisher to
 * every MQTT 5 subscriber [MQTT-3.3.2-4 .. 3.3.2-20]. Plain data: the codec package converts Netty's
 * property lists to and from this.
 *
 * @param payloadFormat         0 (bytes) or 1 (UTF-8), or -1 when absent
 * @param messageExpirySeconds  the expiry interval as the publisher sent it, or -1 when absent (never expires);
 *                              what is left of it is counted from {@link Message#acceptedAtMillis()}
 * @param topicAlias            the alias the PUBLISH carried (inbound only), 0 when none, -1 for the invalid alias 0
 * @param subscriptionIds       on outbound PUBLISH packets: the identifiers of the matching subscriptions
 */
public record PublishProperties(int payloadFormat, long messageExpirySeconds, String contentType,
        String responseTopic, byte[] correlationData, List<UserProperty> userProperties, int topicAlias,
        List<Integer> subscriptionIds) {

    /** No property at all: what a 3.1.1 PUBLISH or a bare MQTT 5 PUBLISH carries. */
    public static final PublishProperties NONE = new PublishProperties(-1, -1, null, null, null, List.of(), 0, List.of());

    public boolean isEmpty() {
        return payloadFormat < 0 && messageExpirySeconds < 0 && contentType == null && responseTopic == null
                && correlationData == null && userProperties.isEmpty() && topicAlias == 0 && subscriptionIds.isEmpty();
    }

    /** The properties that travel on with the message: the alias is the publisher's connection's own. */
    public PublishProperties withoutAlias() {
        return topicAlias == 0 ? this : new PublishProperties(payloadFormat, messageExpirySeconds, contentType,
                responseTopic, correlationData, userProperties, 0, subscriptionIds);
    }

    /** As sent to one subscriber: what is left of the expiry interval [MQTT-3.3.2-6], its subscription ids. */
    public PublishProperties forDelivery(long remainingExpirySeconds, List<Integer> ids) {
        return new PublishProperties(payloadFormat, remainingExpirySeconds, contentType, responseTopic,
                correlationData, userProperties, 0, ids);
    }
}
