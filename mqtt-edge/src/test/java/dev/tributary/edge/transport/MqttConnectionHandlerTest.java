package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;

/**
 * When the handler flushes: the answers to one read burst go out together at its end, and nothing
 * written is left unflushed by a close or a long burst. An {@link EmbeddedChannel} shows exactly
 * what was flushed, which a socket cannot.
 */
class MqttConnectionHandlerTest {

    private static final byte[] PINGREQ = { (byte) 0xC0, 0x00 };
    private static final String PINGRESP = "d000";

    private final EdgeMetrics metrics = new EdgeMetrics(new SimpleMeterRegistry());
    private final TopicTree tree = new TopicTree();
    private final Broker broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 16, 100),
            tree, new InMemoryRetainedStore(), m -> CompletableFuture.completedFuture(null), new AllowAll(),
            new AllowAll(), metrics, new ProtocolLimits(new TopicLimits(256, 8), 64, true, Duration.ofSeconds(5)));
    private final EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(), new MqttConnectionHandler(broker));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void answersToOneReadBurst_areFlushedTogetherAtItsEnd() {
        connect(4);
        channel.pipeline().fireChannelReadComplete(); // the CONNACK goes out at the end of the read
        assertThat(flushed()).containsExactly("20020000");

        for (int i = 0; i < 3; i++) {
            channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(PINGREQ));
        }
        assertThat(flushed()).as("nothing flushed while the burst is being read").isEmpty();

        channel.pipeline().fireChannelReadComplete();
        assertThat(flushed()).containsExactly(PINGRESP, PINGRESP, PINGRESP);
    }

    @Test
    void aRefusalWrittenDuringARead_isFlushedBeforeTheConnectionCloses_MQTT_3_1_2_2() {
        connect(9); // an unknown protocol level: CONNACK return code 1, then close

        assertThat(flushed()).containsExactly("20020001");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aLongBurst_isFlushedEvery256Answers() {
        connect(4);
        channel.pipeline().fireChannelReadComplete();
        flushed();

        for (int i = 0; i < 300; i++) {
            channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(PINGREQ));
        }
        assertThat(flushed()).as("flushed within the burst, once 256 answers were held").hasSize(256);

        channel.pipeline().fireChannelReadComplete();
        assertThat(flushed()).hasSize(44);
    }

    /** A CONNECT read from the network, without the end of the read burst; its CONNACK is written by a task. */
    private void connect(int protocolLevel) {
        byte[] name = "MQTT".getBytes(StandardCharsets.US_ASCII);
        ByteBuf connect = Unpooled.buffer();
        connect.writeByte(0x10).writeByte(13);
        connect.writeShort(name.length).writeBytes(name).writeByte(protocolLevel).writeByte(0x02).writeShort(60);
        connect.writeShort(1).writeByte('c');
        channel.pipeline().fireChannelRead(connect);
        channel.runPendingTasks();
    }

    /** What has been flushed to the network since the last call, one hex string per write. */
    private List<String> flushed() {
        List<String> out = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null;) {
            out.add(ByteBufUtil.hexDump(buf));
            buf.release();
        }
        return out;
    }
}
