package dev.tributary.edge.codec;

import java.util.ArrayList;
import java.util.List;

import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.PublishProperties;
import dev.tributary.edge.mqtt.UserProperty;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringPair;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperties;

/**
 * Converts MQTT 5 properties between Netty's {@link MqttProperties} and the engine's plain records. Four-byte
 * integers (expiry intervals, maximum packet size) arrive as Java ints and are read unsigned.
 */
final class NettyProperties {

    private static final int PAYLOAD_FORMAT = MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value();
    private static final int MESSAGE_EXPIRY = MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value();
    private static final int CONTENT_TYPE = MqttPropertyType.CONTENT_TYPE.value();
    private static final int RESPONSE_TOPIC = MqttPropertyType.RESPONSE_TOPIC.value();
    private static final int CORRELATION_DATA = MqttPropertyType.CORRELATION_DATA.value();
    private static final int SUBSCRIPTION_ID = MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value();
    private static final int TOPIC_ALIAS = MqttPropertyType.TOPIC_ALIAS.value();
    private static final int USER_PROPERTY = MqttPropertyType.USER_PROPERTY.value();
    private static final int SESSION_EXPIRY = MqttPropertyType.SESSION_EXPIRY_INTERVAL.value();
    private static final int RECEIVE_MAXIMUM = MqttPropertyType.RECEIVE_MAXIMUM.value();
    private static final int MAXIMUM_PACKET_SIZE = MqttPropertyType.MAXIMUM_PACKET_SIZE.value();
    private static final int TOPIC_ALIAS_MAXIMUM = MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value();
    private static final int REQUEST_RESPONSE_INFORMATION = MqttPropertyType.REQUEST_RESPONSE_INFORMATION.value();
    private static final int REQUEST_PROBLEM_INFORMATION = MqttPropertyType.REQUEST_PROBLEM_INFORMATION.value();
    private static final int AUTHENTICATION_METHOD = MqttPropertyType.AUTHENTICATION_METHOD.value();
    private static final int WILL_DELAY = MqttPropertyType.WILL_DELAY_INTERVAL.value();
    private static final int REASON_STRING = MqttPropertyType.REASON_STRING.value();

    private NettyProperties() {
    }

    // ---------------------------------------------------------------- in

    static PublishProperties publish(MqttProperties p) throws MalformedPacketException {
        if (p == null || p.isEmpty()) {
            return PublishProperties.NONE;
        }
        int format = intOr(p, PAYLOAD_FORMAT, -1);
        if (format > 1) {
            throw new MalformedPacketException("payload format indicator " + format); // [MQTT-3.3.2-4] 0 or 1
        }
        List<Integer> ids = new ArrayList<>(1);
        for (MqttProperty<?> id : p.getProperties(SUBSCRIPTION_ID)) {
            ids.add((Integer) id.value());
        }
        return new PublishProperties(format, unsignedOr(p, MESSAGE_EXPIRY, -1), string(p, CONTENT_TYPE),
                string(p, RESPONSE_TOPIC), binary(p, CORRELATION_DATA), userProperties(p), topicAlias(p),
                List.copyOf(ids));
    }

    /** 0 when absent; the alias 0, which is not a valid alias [MQTT-3.3.2-8], becomes -1. */
    private static int topicAlias(MqttProperties p) {
        int alias = intOr(p, TOPIC_ALIAS, 0);
        return alias == 0 && p.getProperty(TOPIC_ALIAS) != null ? -1 : alias;
    }

    static Packet.ConnectProperties connect(MqttProperties p) {
        if (p == null || p.isEmpty()) {
            return Packet.ConnectProperties.DEFAULTS;
        }
        return new Packet.ConnectProperties(unsignedOr(p, SESSION_EXPIRY, 0), intOr(p, RECEIVE_MAXIMUM, 65_535),
                unsignedOr(p, MAXIMUM_PACKET_SIZE, -1), intOr(p, TOPIC_ALIAS_MAXIMUM, 0),
                intOr(p, REQUEST_RESPONSE_INFORMATION, 0) == 1, intOr(p, REQUEST_PROBLEM_INFORMATION, 1) == 1,
                userProperties(p), string(p, AUTHENTICATION_METHOD));
    }

    static long willDelay(MqttProperties p) {
        return p == null ? 0 : unsignedOr(p, WILL_DELAY, 0);
    }

    static long sessionExpiry(MqttProperties p) {
        return p == null ? -1 : unsignedOr(p, SESSION_EXPIRY, -1);
    }

    static List<UserProperty> userProperties(MqttProperties p) {
        List<? extends MqttProperty> all = p.getProperties(USER_PROPERTY);
        if (all.isEmpty()) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>(all.size());
        for (MqttProperty<?> property : all) {
            Object value = property.value();
            if (value instanceof StringPair pair) {
                out.add(new UserProperty(pair.key, pair.value));
            } else if (value instanceof List<?> pairs) {
                for (Object o : pairs) {
                    StringPair pair = (StringPair) o;
                    out.add(new UserProperty(pair.key, pair.value));
                }
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- out

    static MqttProperties publish(PublishProperties p) {
        if (p.isEmpty()) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties out = new MqttProperties();
        if (p.payloadFormat() >= 0) {
            out.add(new IntegerProperty(PAYLOAD_FORMAT, p.payloadFormat()));
        }
        if (p.messageExpirySeconds() >= 0) {
            out.add(new IntegerProperty(MESSAGE_EXPIRY, (int) p.messageExpirySeconds()));
        }
        if (p.topicAlias() > 0) {
            out.add(new IntegerProperty(TOPIC_ALIAS, p.topicAlias()));
        }
        if (p.responseTopic() != null) {
            out.add(new StringProperty(RESPONSE_TOPIC, p.responseTopic()));
        }
        if (p.correlationData() != null) {
            out.add(new BinaryProperty(CORRELATION_DATA, p.correlationData()));
        }
        addUserProperties(out, p.userProperties());
        for (int id : p.subscriptionIds()) {
            out.add(new IntegerProperty(SUBSCRIPTION_ID, id));
        }
        if (p.contentType() != null) {
            out.add(new StringProperty(CONTENT_TYPE, p.contentType()));
        }
        return out;
    }

    static MqttProperties connAck(Packet.ConnAckProperties p) {
        MqttProperties out = new MqttProperties();
        if (p.sessionExpirySeconds() >= 0) {
            out.add(new IntegerProperty(SESSION_EXPIRY, (int) p.sessionExpirySeconds()));
        }
        if (p.receiveMaximum() > 0 && p.receiveMaximum() < 65_535) {
            out.add(new IntegerProperty(RECEIVE_MAXIMUM, p.receiveMaximum()));
        }
        if (p.maximumQos() >= 0 && p.maximumQos() < 2) {
            out.add(new IntegerProperty(MqttPropertyType.MAXIMUM_QOS.value(), p.maximumQos()));
        }
        if (!p.retainAvailable()) {
            out.add(new IntegerProperty(MqttPropertyType.RETAIN_AVAILABLE.value(), 0));
        }
        if (p.maximumPacketSize() > 0) {
            out.add(new IntegerProperty(MAXIMUM_PACKET_SIZE, (int) p.maximumPacketSize()));
        }
        if (p.assignedClientId() != null) {
            out.add(new StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), p.assignedClientId()));
        }
        if (p.topicAliasMaximum() > 0) {
            out.add(new IntegerProperty(TOPIC_ALIAS_MAXIMUM, p.topicAliasMaximum())); // absent means 0 [MQTT-3.2.2-17]
        }
        if (p.reasonString() != null) {
            out.add(new StringProperty(REASON_STRING, p.reasonString()));
        }
        // the availability flags are written when a feature is not available: absent means available
        if (!p.wildcardAvailable()) {
            out.add(new IntegerProperty(MqttPropertyType.WILDCARD_SUBSCRIPTION_AVAILABLE.value(), 0));
        }
        if (!p.subscriptionIdsAvailable()) {
            out.add(new IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE.value(), 0));
        }
        if (!p.sharedSubscriptionsAvailable()) {
            out.add(new IntegerProperty(MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE.value(), 0));
        }
        if (p.serverKeepAlive() >= 0) {
            out.add(new IntegerProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value(), p.serverKeepAlive()));
        }
        if (p.responseInformation() != null) {
            out.add(new StringProperty(MqttPropertyType.RESPONSE_INFORMATION.value(), p.responseInformation()));
        }
        return out;
    }

    static MqttProperties reasonString(String reason) {
        if (reason == null) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties out = new MqttProperties();
        out.add(new StringProperty(REASON_STRING, reason));
        return out;
    }

    private static void addUserProperties(MqttProperties out, List<UserProperty> properties) {
        if (properties.isEmpty()) {
            return;
        }
        UserProperties user = new UserProperties();
        for (UserProperty property : properties) {
            user.add(property.name(), property.value());
        }
        out.add(user);
    }

    // ---------------------------------------------------------------- values

    private static int intOr(MqttProperties p, int id, int absent) {
        MqttProperty<?> property = p.getProperty(id);
        return property == null ? absent : (Integer) property.value();
    }

    private static long unsignedOr(MqttProperties p, int id, long absent) {
        MqttProperty<?> property = p.getProperty(id);
        return property == null ? absent : Integer.toUnsignedLong((Integer) property.value());
    }

    private static String string(MqttProperties p, int id) {
        MqttProperty<?> property = p.getProperty(id);
        return property == null ? null : (String) property.value();
    }

    private static byte[] binary(MqttProperties p, int id) {
        MqttProperty<?> property = p.getProperty(id);
        return property == null ? null : (byte[]) property.value();
    }
}
