package dev.tributary.edge.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.PublishProperties;
import dev.tributary.edge.mqtt.UserProperty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * MQTT 5 bytes through Netty's codec and our conversion, both ways: what a client sends becomes the engine's
 * plain records, and the engine's packets become the bytes MQTT 5.0 prescribes.
 */
class NettyPacketsMqtt5Test {

    /** A server-side channel that has decoded an MQTT 5 CONNECT, so its decoder and encoder speak MQTT 5. */
    private static EmbeddedChannel mqtt5Channel() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(65_536), MqttEncoder.INSTANCE);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {
                0x10, 0x11, // CONNECT, remaining length 17
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, // protocol name, level 5
                0x02, 0x00, 0x3C, // clean start, keep alive 60
                0x03, 0x21, 0x00, 0x0A, // properties: receive maximum 10
                0x00, 0x01, 'c' })); // client id "c"
        Packet.Connect connect = (Packet.Connect) NettyPackets.fromNetty(channel.readInbound());
        assertThat(connect.protocolLevel()).isEqualTo(5);
        assertThat(connect.properties().receiveMaximum()).isEqualTo(10);
        assertThat(connect.properties().sessionExpirySeconds()).isZero();
        assertThat(connect.properties().maximumPacketSize()).isEqualTo(-1);
        return channel;
    }

    @Test
    void publishProperties_areDecodedIntoThePlainRecord_userPropertiesInOrder() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {
                0x32, 0x29, // PUBLISH QoS 1, remaining length 41
                0x00, 0x01, 't', 0x00, 0x07, // topic "t", packet id 7
                0x21, // properties, 33 bytes:
                0x01, 0x01, // payload format indicator 1
                0x02, 0x00, 0x00, 0x00, 0x3C, // message expiry 60
                0x03, 0x00, 0x01, 'j', // content type "j"
                0x08, 0x00, 0x01, 'r', // response topic "r"
                0x09, 0x00, 0x01, 0x2A, // correlation data 0x2A
                0x26, 0x00, 0x01, 'b', 0x00, 0x01, '2', // user property b=2
                0x26, 0x00, 0x01, 'a', 0x00, 0x01, '1', // user property a=1
                'h', 'i' }));
        Packet.Publish publish = (Packet.Publish) NettyPackets.fromNetty(channel.readInbound());
        PublishProperties p = publish.properties();
        assertThat(publish.topic()).isEqualTo("t");
        assertThat(publish.packetId()).isEqualTo(7);
        assertThat(p.payloadFormat()).isEqualTo(1);
        assertThat(p.messageExpirySeconds()).isEqualTo(60);
        assertThat(p.contentType()).isEqualTo("j");
        assertThat(p.responseTopic()).isEqualTo("r");
        assertThat(p.correlationData()).containsExactly(0x2A);
        assertThat(p.userProperties()).containsExactly(new UserProperty("b", "2"), new UserProperty("a", "1"));
        assertThat(new String(publish.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void topicAliasZero_isKeptApartFromNoAlias_MQTT_3_3_2_8() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x00, 'x' }));
        assertThat(((Packet.Publish) NettyPackets.fromNetty(channel.readInbound())).properties().topicAlias()).isEqualTo(-1);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0x30, 0x05, 0x00, 0x01, 't', 0x00, 'x' }));
        assertThat(((Packet.Publish) NettyPackets.fromNetty(channel.readInbound())).properties().topicAlias()).isZero();
    }

    @Test
    void payloadFormatIndicatorAbove1_isMalformed() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0x30, 0x07, 0x00, 0x01, 't', 0x02, 0x01, 0x02, 'x' }));
        MqttMessage message = channel.readInbound();
        assertThatThrownBy(() -> NettyPackets.fromNetty(message)).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void subscribeOptionsAndIdentifier_areDecoded_MQTT_3_8_3_1() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {
                (byte) 0x82, 0x0A, // SUBSCRIBE, remaining length 10
                0x00, 0x05, // packet id 5
                0x02, 0x0B, 0x09, // properties: subscription identifier 9
                0x00, 0x02, 'a', '/', // filter "a/"
                0x2D })); // options: retain handling 2, retain as published, no local, QoS 1
        Packet.Subscribe subscribe = (Packet.Subscribe) NettyPackets.fromNetty(channel.readInbound());
        assertThat(subscribe.subscriptionId()).isEqualTo(9);
        assertThat(subscribe.subscriptions()).containsExactly(new Packet.Subscription("a/", 1, true, true, 2));
    }

    @Test
    void disconnectWithSessionExpiry_isDecoded_MQTT_3_14_2_2() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { (byte) 0xE0, 0x07, 0x04, 0x05, 0x11, 0x00, 0x00, 0x00, 0x1E }));
        assertThat(NettyPackets.fromNetty(channel.readInbound())).isEqualTo(new Packet.Disconnect(0x04, 30, null));
    }

    @Test
    void connAck_carriesReasonCodeAndProperties_MQTT_3_2_2_3() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeOutbound(NettyPackets.toNetty(new Packet.ConnAck(Packet.ConnectCode.ACCEPTED, false,
                new Packet.ConnAckProperties(-1, 100, -1, true, 65_536, "auto-1", 8, null, true, true, false, -1, null))));
        byte[] bytes = outbound(channel);
        assertThat(bytes[0]).isEqualTo((byte) 0x20);
        assertThat(bytes[2]).isZero(); // session present 0
        assertThat(bytes[3]).isZero(); // reason code success
        // properties: receive maximum 100, maximum packet size 65,536, assigned id, alias maximum 8, shared subscriptions 0
        assertThat(bytes).containsSubsequence(0x21, 0x00, 0x64);
        assertThat(bytes).containsSubsequence(0x27, 0x00, 0x01, 0x00, 0x00);
        assertThat(bytes).containsSubsequence(0x12, 0x00, 0x06, 'a', 'u', 't', 'o', '-', '1');
        assertThat(bytes).containsSubsequence(0x22, 0x00, 0x08);
        assertThat(bytes).containsSubsequence(0x2A, 0x00);
    }

    @Test
    void refusedConnAck_carriesTheMqtt5ReasonCode_notThe311One() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeOutbound(NettyPackets.toNetty(new Packet.ConnAck(Packet.ConnectCode.BAD_USERNAME_OR_PASSWORD, false,
                Packet.ConnAckProperties.refusal(null))));
        assertThat(outbound(channel)[3]).isEqualTo((byte) 0x86);
    }

    @Test
    void pubAckWithAReasonCode_andServerDisconnect_areEncoded() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        channel.writeOutbound(NettyPackets.toNetty(new Packet.PubAck(7, 0x87)));
        assertThat(outbound(channel)).containsExactly(0x40, 0x04, 0x00, 0x07, 0x87, 0x00); // reason code, empty properties
        channel.writeOutbound(NettyPackets.toNetty(new Packet.Disconnect(0x8E, -1, null)));
        assertThat(outbound(channel)).containsExactly(0xE0, 0x02, 0x8E, 0x00);
    }

    @Test
    void publishToAnMqtt5Client_carriesSubscriptionIdsAndUserProperties() throws Exception {
        EmbeddedChannel channel = mqtt5Channel();
        PublishProperties p = new PublishProperties(-1, -1, null, null, null, List.of(new UserProperty("k", "v")), 0, List.of(3));
        channel.writeOutbound(NettyPackets.toNetty(new Packet.Publish("t", new byte[] { 'x' }, 0, false, false, 0, p)));
        byte[] bytes = outbound(channel);
        assertThat(bytes).containsSubsequence(0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v');
        assertThat(bytes).containsSubsequence(0x0B, 0x03);
    }

    @Test
    void a311Client_getsNoPropertiesAndNoReasonCodes() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(65_536), MqttEncoder.INSTANCE);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {
                0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c' }));
        NettyPackets.fromNetty(channel.readInbound());
        PublishProperties p = new PublishProperties(1, 60, "j", "r", null, List.of(new UserProperty("k", "v")), 0, List.of(3));
        channel.writeOutbound(NettyPackets.toNetty(new Packet.Publish("t", new byte[] { 'x' }, 0, false, false, 0, p)));
        assertThat(outbound(channel)).containsExactly(0x30, 0x04, 0x00, 0x01, 't', 'x');
        channel.writeOutbound(NettyPackets.toNetty(new Packet.PubAck(7, 0x87)));
        assertThat(outbound(channel)).containsExactly(0x40, 0x02, 0x00, 0x07);
    }

    private static byte[] outbound(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf next;
        while ((next = channel.readOutbound()) != null) {
            all.writeBytes(next);
            next.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        return bytes;
    }
}
