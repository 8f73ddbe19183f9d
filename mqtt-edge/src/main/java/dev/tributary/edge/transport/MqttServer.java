package dev.tributary.edge.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;

/** The MQTT TCP listener: accepts connections and builds each one's pipeline. */
public final class MqttServer {

    private static final Logger LOG = Logger.getLogger(MqttServer.class);

    /** What the listener needs to know; all of it comes from {@code tributary.edge.*}. */
    public record Settings(String host, int port, int ioThreads, int maxPacketSize, int maxClientIdLength,
            int maxConnections, int maxOutboundBuffer) {
    }

    /** How often silent connections are looked for: keep alive is enforced to within this. */
    private static final long IDLE_SWEEP_MILLIS = 250;

    private final Broker broker;
    private final EdgeMetrics metrics;
    private final Settings settings;
    private final AtomicInteger open = new AtomicInteger();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public MqttServer(Broker broker, EdgeMetrics metrics, Settings settings) {
        this.broker = broker;
        this.metrics = metrics;
        this.settings = settings;
        metrics.gauge("tributary.mqtt.connections", "open MQTT network connections", open::get);
    }

    public void start() throws InterruptedException {
        int threads = settings.ioThreads() > 0 ? settings.ioThreads() : Runtime.getRuntime().availableProcessors();
        boolean epoll = Epoll.isAvailable();
        boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        int high = Math.max(settings.maxOutboundBuffer(), 2);
        serverChannel = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        initConnection(channel);
                    }
                })
                .bind(settings.host(), settings.port()).sync().channel();
        boss.scheduleAtFixedRate(broker::closeIdle, IDLE_SWEEP_MILLIS, IDLE_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        LOG.infof("MQTT listening on %s:%d (%s, %d I/O threads)", settings.host(), port(), epoll ? "epoll" : "nio", threads);
    }

    private void initConnection(Channel channel) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            metrics.closed("max_connections");
            LOG.warnf("refusing a connection from %s: %d connections open (tributary.edge.limits.max-connections)",
                    channel.remoteAddress(), settings.maxConnections());
            channel.close();
            return;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        channel.pipeline()
                // batches the flushes of one read burst; flushes from other threads (deliveries)
                // go out at once, which keeps end-to-end latency low
                .addLast(ChannelHandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, false))
                .addLast(ChannelHandlerNames.DECODER, new MqttDecoder(settings.maxPacketSize(), settings.maxClientIdLength()))
                .addLast(ChannelHandlerNames.ENCODER, MqttEncoder.INSTANCE)
                .addLast(ChannelHandlerNames.CONNECTION, new MqttConnectionHandler(broker));
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public boolean isListening() {
        return serverChannel != null && serverChannel.isActive();
    }

    /** Stops accepting, closes every client (their wills are due), then stops the event loops. */
    public void stop() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        broker.closeAll("server shutting down");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (broker.connectionCount() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        serverChannel = null;
    }
}
