package dev.tributary.edge.codec;

import java.util.ArrayList;
import java.util.List;

import dev.tributary.edge.mqtt.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

/**
 * Converts between Netty's MQTT codec messages and our plain {@link Packet}s, checking on the way
 * in what the decoder lets through: reserved fixed-header flags [MQTT-2.2.2-1], and topic strings
 * that were not valid UTF-8 [MQTT-1.5.3-1] (the decoder turns bad bytes into U+FFFD, so a topic
 * holding U+FFFD is refused: a device that really wants that character in a topic loses nothing).
 */
public final class NettyPackets {

    private static final char REPLACEMENT = '\uFFFD';

    private NettyPackets() {
    }

    public static Packet fromNetty(MqttMessage message) throws MalformedPacketException {
        MqttFixedHeader header = message.fixedHeader();
        MqttMessageType type = header.messageType();
        checkReservedFlags(header);
        switch (type) {
            case CONNECT:
                return connect((MqttConnectMessage) message);
            case PUBLISH:
                return publish((MqttPublishMessage) message);
            case PUBACK:
                return new Packet.PubAck(packetId(message), replyCode(message));
            case PUBREC:
                return new Packet.PubRec(packetId(message), replyCode(message));
            case PUBREL:
                return new Packet.PubRel(packetId(message));
            case PUBCOMP:
                return new Packet.PubComp(packetId(message));
            case SUBSCRIBE:
                return subscribe((MqttSubscribeMessage) message);
            case UNSUBSCRIBE:
                MqttUnsubscribeMessage unsubscribe = (MqttUnsubscribeMessage) message;
                List<String> filters = unsubscribe.payload().topics();
                for (String filter : filters) {
                    checkUtf8(filter);
                }
                return new Packet.Unsubscribe(unsubscribe.variableHeader().messageId(), List.copyOf(filters));
            case PINGREQ:
                return new Packet.PingReq();
            case DISCONNECT:
                return disconnect(message);
            default:
                // CONNACK, SUBACK, UNSUBACK, PINGRESP only flow to clients; AUTH without an authentication
                // method in CONNECT is a protocol error [MQTT-4.12.0-1], and we offer no method
                throw new MalformedPacketException(type + " is not a packet a client sends");
        }
    }

    /** [MQTT-2.2.2-2] flags other than PUBLISH's are fixed: 0010 for PUBREL, SUBSCRIBE, UNSUBSCRIBE, else 0000. */
    private static void checkReservedFlags(MqttFixedHeader header) throws MalformedPacketException {
        MqttMessageType type = header.messageType();
        if (type == MqttMessageType.PUBLISH) {
            if (header.qosLevel() == MqttQoS.FAILURE) {
                throw new MalformedPacketException("PUBLISH with QoS 3"); // [MQTT-3.3.1-4]
            }
            return;
        }
        boolean expectQos1 = type == MqttMessageType.PUBREL || type == MqttMessageType.SUBSCRIBE
                || type == MqttMessageType.UNSUBSCRIBE;
        MqttQoS expected = expectQos1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        if (header.isDup() || header.isRetain() || header.qosLevel() != expected) {
            throw new MalformedPacketException("reserved flag bits set in " + type);
        }
    }

    private static Packet.Connect connect(MqttConnectMessage message) throws MalformedPacketException {
        MqttConnectVariableHeader vh = message.variableHeader();
        MqttConnectPayload payload = message.payload();
        Packet.Will will = null;
        if (vh.isWillFlag()) {
            checkUtf8(payload.willTopic());
            if (vh.willQos() > 2) {
                throw new MalformedPacketException("will QoS 3"); // [MQTT-3.1.2-14]
            }
            will = vh.version() == Packet.MQTT_5
                    ? new Packet.Will(payload.willTopic(), payload.willMessageInBytes(), vh.willQos(), vh.isWillRetain(),
                            NettyProperties.publish(payload.willProperties()).withoutAlias(),
                            NettyProperties.willDelay(payload.willProperties()))
                    : new Packet.Will(payload.willTopic(), payload.willMessageInBytes(), vh.willQos(), vh.isWillRetain());
        } else if (vh.willQos() != 0 || vh.isWillRetain()) {
            throw new MalformedPacketException("will QoS or retain without a will"); // [MQTT-3.1.2-13], [MQTT-3.1.2-15]
        }
        if (vh.hasPassword() && !vh.hasUserName() && vh.version() == 4) {
            throw new MalformedPacketException("password without user name"); // [MQTT-3.1.2-22]
        }
        return new Packet.Connect(vh.version(), payload.clientIdentifier(), vh.isCleanSession(),
                vh.keepAliveTimeSeconds(), vh.hasUserName() ? payload.userName() : null,
                vh.hasPassword() ? payload.passwordInBytes() : null, will,
                vh.version() == Packet.MQTT_5 ? NettyProperties.connect(vh.properties()) : null);
    }

    private static Packet.Publish publish(MqttPublishMessage message) throws MalformedPacketException {
        MqttFixedHeader header = message.fixedHeader();
        MqttPublishVariableHeader vh = message.variableHeader();
        checkUtf8(vh.topicName());
        // copied once: the buffer goes back to Netty's pool, the bytes go to every subscriber and the mirror
        byte[] payload = ByteBufUtil.getBytes(message.payload());
        int qos = header.qosLevel().value();
        return new Packet.Publish(vh.topicName(), payload, qos, header.isRetain(), header.isDup(),
                qos == 0 ? 0 : vh.packetId(), NettyProperties.publish(vh.properties()));
    }

    private static Packet.Subscribe subscribe(MqttSubscribeMessage message) throws MalformedPacketException {
        List<MqttTopicSubscription> topics = message.payload().topicSubscriptions();
        List<Packet.Subscription> subscriptions = new ArrayList<>(topics.size());
        for (MqttTopicSubscription topic : topics) {
            checkUtf8(topic.topicName());
            MqttQoS qos = topic.qualityOfService();
            if (qos == MqttQoS.FAILURE) {
                throw new MalformedPacketException("SUBSCRIBE with QoS 3"); // [MQTT-3.8.3-4]
            }
            MqttSubscriptionOption option = topic.option();
            int retainHandling = option.retainHandling().value();
            if (retainHandling > 2) {
                throw new MalformedPacketException("retain handling 3"); // [MQTT-3.8.3-5] reserved
            }
            subscriptions.add(new Packet.Subscription(topic.topicName(), qos.value(), option.isNoLocal(),
                    option.isRetainAsPublished(), retainHandling));
        }
        MqttProperties properties = message.idAndPropertiesVariableHeader().properties();
        int subscriptionId = 0;
        if (properties != null && properties.getProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()) != null) {
            subscriptionId = (Integer) properties.getProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()).value();
            if (subscriptionId == 0) {
                throw new MalformedPacketException("subscription identifier 0"); // [MQTT-3.8.2-2] 1 to 268,435,455
            }
        }
        return new Packet.Subscribe(message.idAndPropertiesVariableHeader().messageId(), subscriptions, subscriptionId);
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    private static int replyCode(MqttMessage message) {
        return message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply ? reply.reasonCode() & 0xFF : 0;
    }

    private static Packet.Disconnect disconnect(MqttMessage message) {
        if (message.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
            return new Packet.Disconnect(vh.reasonCode() & 0xFF, NettyProperties.sessionExpiry(vh.properties()), null);
        }
        return new Packet.Disconnect();
    }

    private static void checkUtf8(String s) throws MalformedPacketException {
        if (s != null && s.indexOf(REPLACEMENT) >= 0) {
            throw new MalformedPacketException("topic is not valid UTF-8");
        }
    }

    // ---------------------------------------------------------------- out

    public static MqttMessage toNetty(Packet packet) {
        if (packet instanceof Packet.Publish p) {
            MqttQoS qos = MqttQoS.valueOf(p.qos());
            ByteBuf payload = Unpooled.wrappedBuffer(p.payload());
            // the encoder writes properties to MQTT 5 clients only
            return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, p.dup(), qos, p.retain(), 0),
                    new MqttPublishVariableHeader(p.topic(), p.qos() == 0 ? -1 : p.packetId(),
                            NettyProperties.publish(p.properties())), payload);
        }
        if (packet instanceof Packet.PubAck p) {
            return reply(MqttMessageType.PUBACK, p.packetId(), p.reasonCode());
        }
        if (packet instanceof Packet.PubRec p) {
            return reply(MqttMessageType.PUBREC, p.packetId(), p.reasonCode());
        }
        if (packet instanceof Packet.PubRel p) {
            return ack(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, p.packetId()); // [MQTT-3.6.1-1]
        }
        if (packet instanceof Packet.PubComp p) {
            return ack(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, p.packetId());
        }
        if (packet instanceof Packet.ConnAck p) {
            if (p.properties() != null) {
                return new MqttConnAckMessage(fixed(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
                        new MqttConnAckVariableHeader(MqttConnectReturnCode.valueOf((byte) p.code().code(Packet.MQTT_5)),
                                p.sessionPresent(), NettyProperties.connAck(p.properties())));
            }
            return new MqttConnAckMessage(fixed(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
                    new MqttConnAckVariableHeader(returnCode(p.code()), p.sessionPresent()));
        }
        if (packet instanceof Packet.Disconnect p) {
            // only ever sent to MQTT 5 clients [MQTT-3.14.0-1]
            return new MqttMessage(fixed(MqttMessageType.DISCONNECT, MqttQoS.AT_MOST_ONCE),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) p.reasonCode(),
                            NettyProperties.reasonString(p.reasonString())));
        }
        if (packet instanceof Packet.SubAck p) {
            return new MqttSubAckMessage(fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
                    MqttMessageIdVariableHeader.from(p.packetId()), new MqttSubAckPayload(p.codes()));
        }
        if (packet instanceof Packet.UnsubAck p) {
            if (!p.codes().isEmpty()) {
                short[] codes = new short[p.codes().size()];
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = p.codes().get(i).shortValue();
                }
                return new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                        MqttMessageIdVariableHeader.from(p.packetId()), new MqttUnsubAckPayload(codes));
            }
            return new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                    MqttMessageIdVariableHeader.from(p.packetId()));
        }
        if (packet instanceof Packet.PingResp) {
            return new MqttMessage(fixed(MqttMessageType.PINGRESP, MqttQoS.AT_MOST_ONCE));
        }
        throw new IllegalArgumentException(packet + " is not sent by a server");
    }

    /** PUBACK or PUBREC; a reason code other than success is written to MQTT 5 clients only (by the encoder). */
    private static MqttMessage reply(MqttMessageType type, int packetId, int reasonCode) {
        if (reasonCode == 0) {
            return ack(type, MqttQoS.AT_MOST_ONCE, packetId);
        }
        return new MqttMessage(fixed(type, MqttQoS.AT_MOST_ONCE),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, MqttProperties.NO_PROPERTIES));
    }

    private static MqttMessage ack(MqttMessageType type, MqttQoS qos, int packetId) {
        return new MqttMessage(fixed(type, qos), MqttMessageIdVariableHeader.from(packetId));
    }

    private static MqttFixedHeader fixed(MqttMessageType type, MqttQoS qos) {
        return new MqttFixedHeader(type, false, qos, false, 0);
    }

    private static MqttConnectReturnCode returnCode(Packet.ConnectCode code) {
        switch (code) {
            case ACCEPTED:
                return MqttConnectReturnCode.CONNECTION_ACCEPTED;
            case UNACCEPTABLE_PROTOCOL_VERSION:
                return MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION;
            case IDENTIFIER_REJECTED:
                return MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case SERVER_UNAVAILABLE:
                return MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case BAD_USERNAME_OR_PASSWORD:
                return MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            default:
                return MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
        }
    }
}
