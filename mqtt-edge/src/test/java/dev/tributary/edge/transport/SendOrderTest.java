package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

/**
 * The handler keeps the order of sends whatever thread they come from, as {@code ClientLink}
 * promises. A real event loop is needed to tell its thread from the others, which an
 * {@code EmbeddedChannel} cannot; Netty's in-VM transport gives one without a socket.
 */
class SendOrderTest {

    private final EdgeMetrics metrics = new EdgeMetrics(new SimpleMeterRegistry());
    private final TopicTree tree = new TopicTree();
    private final Broker broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 16, 100),
            tree, new InMemoryRetainedStore(), m -> CompletableFuture.completedFuture(null), new AllowAll(),
            new AllowAll(), metrics, new ProtocolLimits(new TopicLimits(256, 8), 64, true, Duration.ofSeconds(5)));
    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(2);
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<MqttConnectionHandler> serverSide = new CompletableFuture<>();
    private Channel server;
    private Channel client;

    @AfterEach
    void stop() throws InterruptedException {
        if (client != null) {
            client.close().sync();
        }
        if (server != null) {
            server.close().sync();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aPublishSentOnTheEventLoop_doesNotOvertakeOneHandedOverBeforeIt_MQTT_4_6_0_6() throws Exception {
        MqttConnectionHandler link = connect();
        CountDownLatch handedOver = new CountDownLatch(1);
        // the event loop is busy (reading a PUBACK, say) while another thread delivers "first";
        // then the loop itself sends "second", as a queued delivery released by that PUBACK would be
        link.execute(() -> {
            await(handedOver);
            link.send(publish("second", 2));
        });
        link.send(publish("first", 1));
        handedOver.countDown();

        assertThat(next()).isEqualTo("first");
        assertThat(next()).isEqualTo("second");
    }

    private MqttConnectionHandler connect() throws Exception {
        LocalAddress address = new LocalAddress("send-order-" + System.nanoTime());
        server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        MqttConnectionHandler handler = new MqttConnectionHandler(broker);
                        ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                serverSide.complete(handler); // the handler is a ClientLink from here on
                            }
                        });
                    }
                }).bind(address).sync().channel();
        client = new Bootstrap().group(loops).channel(LocalChannel.class).handler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel ch) {
                ch.pipeline().addLast(new MqttDecoder(), new SimpleChannelInboundHandler<MqttPublishMessage>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, MqttPublishMessage publish) {
                        received.add(publish.payload().toString(StandardCharsets.UTF_8));
                    }
                });
            }
        }).connect(address).sync().channel();
        return serverSide.get(5, TimeUnit.SECONDS);
    }

    private static Packet publish(String payload, int packetId) {
        return new Packet.Publish("order/test", payload.getBytes(StandardCharsets.UTF_8), 1, false, false, packetId);
    }

    private String next() throws InterruptedException {
        String payload = received.poll(5, TimeUnit.SECONDS);
        assertThat(payload).as("a PUBLISH within 5 s").isNotNull();
        return payload;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
