package dev.tributary.edge.protocol;

/**
 * What the node announces to MQTT 5 clients in CONNACK and holds them to (tributary.edge.mqtt5.*):
 * {@code receiveMaximum} QoS 1/2 PUBLISH packets a client may have unacknowledged [MQTT-3.2.2-13 .. 3.3.4-9],
 * {@code topicAliasMaximum} topic aliases a client may set up [MQTT-3.2.2-17], {@code maximumPacketSize} the
 * largest packet we accept (the transport's limit), {@code maxSessionExpirySeconds} the longest Session Expiry
 * Interval kept (a longer one is cut to it and the client told), and {@code responseInformation} the
 * Response Information sent to a client that requests it, with {@code {clientid}} replaced (null: none).
 */
public record Mqtt5Limits(int receiveMaximum, int topicAliasMaximum, long maximumPacketSize,
        long maxSessionExpirySeconds, String responseInformation) {

    public static final Mqtt5Limits DEFAULTS = new Mqtt5Limits(1000, 32, 1024 * 1024, 86_400, "reply/{clientid}/");

    String responseInformationFor(String clientId) {
        return responseInformation == null || responseInformation.isEmpty() || "none".equals(responseInformation) ? null
                : responseInformation.replace("{clientid}", clientId);
    }
}
