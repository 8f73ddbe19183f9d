package dev.tributary.edge.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ServerChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.ssl.SslContext;

/**
 * The MQTT listeners, TCP, TLS, WebSocket and a Unix socket: accept connections and build each one's pipeline. The
 * MQTT part of the pipeline is the same for both; WebSocket only adds the HTTP upgrade and the
 * frame adapter in front of it.
 */
public final class MqttServer {

    /** One sizing handle per I/O thread for all its channels (Netty's default is one per channel). */
    private static final PerLoopReceiveSizing RECEIVE_BUFFER_SIZING = new PerLoopReceiveSizing();

    private static final Logger LOG = Logger.getLogger(MqttServer.class);

    /** What the listener needs to know; all of it comes from {@code tributary.edge.*}. */
    public record Settings(String host, int port, int ioThreads, int maxPacketSize, int maxClientIdLength,
            int maxConnections, int maxOutboundBuffer, long maxOutboundBufferDisconnect, WebSocket webSocket, Tls tls) {

        public Settings(String host, int port, int ioThreads, int maxPacketSize, int maxClientIdLength,
                int maxConnections, int maxOutboundBuffer, WebSocket webSocket, Tls tls) {
            this(host, port, ioThreads, maxPacketSize, maxClientIdLength, maxConnections, maxOutboundBuffer,
                    Math.max(MqttConnectionHandler.DEFAULT_MAX_OUTBOUND_BYTES, 2L * maxOutboundBuffer), webSocket, tls);
        }
    }

    /** The WebSocket listener; {@code port} -1 turns it off. */
    public record WebSocket(String host, int port, String path, List<String> allowedOrigins, WebSocketSecurity security) {

        public static final WebSocket OFF = new WebSocket("127.0.0.1", -1, "/mqtt", List.of(), WebSocketSecurity.PLAIN);
    }

    /** WS, WSS (with the TLS listener's context), or both on one port, told apart by a connection's first bytes. */
    public enum WebSocketSecurity {
        PLAIN, TLS, PLAIN_OR_TLS
    }

    /** The TLS listener; {@code port} -1 turns it off. */
    public record Tls(String host, int port, SslContext context) {

        public static final Tls OFF = new Tls("127.0.0.1", -1, null);
    }

    /** How often silent connections are looked for: keep alive is enforced to within this. */
    private static final long IDLE_SWEEP_MILLIS = 250;

    private final Broker broker;
    private final EdgeMetrics metrics;
    private final Settings settings;
    private final UnixSocket unixSocket;
    private UnixSocketListener unixListener;
    private final AtomicInteger open = new AtomicInteger();
    /** One listener for every channel: a lambda per channel would be one more object per idle connection. */
    private final ChannelFutureListener connectionClosed = f -> open.decrementAndGet();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private Channel webSocketChannel;
    private Channel tlsChannel;

    public MqttServer(Broker broker, EdgeMetrics metrics, Settings settings) {
        this(broker, metrics, settings, UnixSocket.OFF);
    }

    public MqttServer(Broker broker, EdgeMetrics metrics, Settings settings, UnixSocket unixSocket) {
        this.broker = broker;
        this.metrics = metrics;
        this.settings = settings;
        this.unixSocket = unixSocket;
        metrics.gauge("tributary.mqtt.connections", "open MQTT network connections", open::get);
    }

    public void start() throws InterruptedException {
        int threads = settings.ioThreads() > 0 ? settings.ioThreads() : defaultIoThreads();
        boolean epoll = Epoll.isAvailable();
        boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        serverChannel = bootstrap(channelType, this::initTcp).bind(settings.host(), settings.port()).sync().channel();
        LOG.infof("MQTT listening on %s:%d (%s, %d I/O threads)", settings.host(), port(), epoll ? "epoll" : "nio", threads);
        Tls tls = settings.tls();
        if (tls.port() >= 0) {
            tlsChannel = bootstrap(channelType, this::initTls).bind(tls.host(), tls.port()).sync().channel();
            LOG.infof("MQTT over TLS listening on %s:%d", tls.host(), tlsPort());
        }
        WebSocket ws = settings.webSocket();
        if (ws.port() >= 0) {
            webSocketChannel = bootstrap(channelType, this::initWebSocket).bind(ws.host(), ws.port()).sync().channel();
            LOG.infof("MQTT over WebSocket listening on %s://%s:%d%s", switch (ws.security()) {
                case PLAIN -> "ws";
                case TLS -> "wss";
                case PLAIN_OR_TLS -> "ws and wss";
            }, ws.host(), webSocketPort(), ws.path());
        }
        if (unixSocket.enabled()) {
            unixListener = new UnixSocketListener(unixSocket);
            unixListener.start(boss, workers, this::initTcp);
        }
        boss.scheduleAtFixedRate(broker::closeIdle, IDLE_SWEEP_MILLIS, IDLE_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    private ServerBootstrap bootstrap(Class<? extends ServerChannel> channelType, Consumer<Channel> init) {
        int high = Math.max(settings.maxOutboundBuffer(), 2);
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // one sizing policy for all: Netty otherwise gives every channel its own allocator object and handle
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFER_SIZING)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        init.accept(channel);
                    }
                });
    }

    private void initTcp(Channel channel) {
        if (admit(channel)) {
            addMqtt(channel.pipeline());
        }
    }

    private void initTls(Channel channel) {
        if (admit(channel)) {
            channel.pipeline().addLast(ChannelHandlerNames.TLS, settings.tls().context().newHandler(channel.alloc()));
            addMqtt(channel.pipeline());
        }
    }

    private void initWebSocket(Channel channel) {
        if (!admit(channel)) {
            return;
        }
        WebSocket ws = settings.webSocket();
        switch (ws.security()) {
            case TLS -> channel.pipeline().addLast(ChannelHandlerNames.TLS, settings.tls().context().newHandler(channel.alloc()));
            case PLAIN_OR_TLS -> channel.pipeline().addLast(ChannelHandlerNames.TLS_DETECTOR, new TlsDetector(settings.tls().context()));
            case PLAIN -> {
                // nothing before HTTP
            }
        }
        channel.pipeline()
                .addLast(ChannelHandlerNames.HTTP_CODEC, new HttpServerCodec())
                .addLast(ChannelHandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(8192))
                .addLast(ChannelHandlerNames.WEBSOCKET_GATE, new WebSocketGate(ws.path(), ws.allowedOrigins()))
                .addLast(ChannelHandlerNames.WEBSOCKET_PROTOCOL, new WebSocketServerProtocolHandler(
                        WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath(ws.path())
                                .subprotocols(String.join(",", WebSocketGate.SUBPROTOCOLS))
                                // a frame can be no larger than the largest packet (plus its header)
                                .maxFramePayloadLength(settings.maxPacketSize() + 5)
                                .allowExtensions(false)
                                .dropPongFrames(true)
                                .build()))
                .addLast(ChannelHandlerNames.WEBSOCKET_FRAMES, WebSocketFrames.INSTANCE);
        addMqtt(channel.pipeline());
    }

    /** Counts the connection, or closes it at once when the node is full. */
    private boolean admit(Channel channel) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            metrics.closed("max_connections");
            LOG.warnf("refusing a connection from %s: %d connections open (tributary.edge.limits.max-connections)",
                    channel.remoteAddress(), settings.maxConnections());
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(connectionClosed);
        return true;
    }

    private void addMqtt(ChannelPipeline pipeline) {
        pipeline
                .addLast(ChannelHandlerNames.DECODER, new MqttDecoder(settings.maxPacketSize(), settings.maxClientIdLength()))
                .addLast(ChannelHandlerNames.CONNECTION, new MqttConnectionHandler(broker, settings.maxOutboundBufferDisconnect()));
    }

    /**
     * Half the cores, at least one. A message from a connection on one I/O thread to a subscriber on
     * another has to wake that thread; on the 2-core machine this project is measured on, that
     * cost more end-to-end latency (about 60 µs of p50, README: Benchmarks) than a second
     * thread gained in throughput. The other half of the cores serve the Kafka producer's thread,
     * the garbage collector and the JIT.
     */
    static int defaultIoThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The TLS listener's port, or -1 when it is off. */
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    /** The WebSocket listener's port, or -1 when it is off. */
    public int webSocketPort() {
        return webSocketChannel == null ? -1 : ((InetSocketAddress) webSocketChannel.localAddress()).getPort();
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
        for (Channel listener : new Channel[] { webSocketChannel, tlsChannel }) {
            if (listener != null) {
                listener.close().syncUninterruptibly();
            }
        }
        webSocketChannel = null;
        tlsChannel = null;
        if (unixListener != null) {
            unixListener.stop();
            unixListener = null;
        }
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
