package dev.tributary.edge.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import org.jboss.logging.Logger;

import dev.tributary.edge.codec.MalformedPacketException;
import dev.tributary.edge.codec.NettyPackets;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.mqtt.ClientLink;
import dev.tributary.edge.protocol.Connection;
import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an MQTT pipeline and the connection's {@link ClientLink}: turns decoded
 * messages into packets for the connection's protocol state machine, channel events (closed,
 * errors) into its calls, and its packets into writes. The one place where a connection's errors
 * are handled.
 *
 * <p>Flushes asked for while the channel is reading wait for the end of the read burst, so the
 * answers to a burst of packets (PUBACKs of a QoS 1 stream, PINGRESPs) go out in one write;
 * flushes at any other time, such as deliveries from other connections, go out at once. That is
 * what Netty's FlushConsolidationHandler does; doing it here saves every idle connection that
 * handler and its pipeline context (about 100 bytes each).
 *
 * <p>Sends keep their order whatever thread they come from. Netty writes at once on the event loop
 * but hands a write from any other thread over as a task, so a PUBLISH the event loop sends (a
 * queued delivery released by a PUBACK it just read) would overtake one another thread sent a
 * moment before [MQTT-4.6.0-6]. While handed-over sends wait, the event loop's own wait behind them.
 *
 * <p>Packets are encoded here, by Netty's MQTT encoder called with this handler's context, rather
 * than by the encoder as a handler of its own: its place in the pipeline was a context object of
 * 56 bytes on every connection, for a step no other handler needs to see.
 *
 * <p>What waits for a client is bounded in bytes: the sends handed over to the event loop and the bytes
 * written and not yet taken by the network together. Above the channel's high water mark
 * ({@code limits.max-outbound-buffer}) the link reports itself not writable, so the session drops QoS 0
 * messages and keeps QoS 1/2 in its own bounded queue; above {@code limits.max-outbound-buffer-disconnect}
 * (replies to a client that sends and never reads, say) the client is disconnected.
 */
final class MqttConnectionHandler extends SimpleChannelInboundHandler<MqttMessage> implements ClientLink {

    private static final Logger LOG = Logger.getLogger(MqttConnectionHandler.class);
    /** At most this many flushes are held back within one read burst, as the outbound buffer grows. */
    private static final int MAX_HELD_FLUSHES = 256;
    private static final AtomicIntegerFieldUpdater<MqttConnectionHandler> HANDED_OVER =
            AtomicIntegerFieldUpdater.newUpdater(MqttConnectionHandler.class, "handedOver");
    private static final AtomicLongFieldUpdater<MqttConnectionHandler> HANDED_OVER_BYTES =
            AtomicLongFieldUpdater.newUpdater(MqttConnectionHandler.class, "handedOverBytes");
    /** What tests and embedded uses get when they do not say: eight times the default high water mark. */
    static final long DEFAULT_MAX_OUTBOUND_BYTES = 8L * 1024 * 1024;

    private final Broker broker;
    private final long maxOutboundBytes;
    private ChannelHandlerContext ctx;
    private Connection connection;
    // event loop only
    private boolean reading;
    private int heldFlushes;
    /** Sends queued as tasks on the event loop and not yet written. */
    private volatile int handedOver;
    /** Their footprint, counted against the outbound bounds with what the channel holds. */
    private volatile long handedOverBytes;
    /** Set once the link reported itself not writable: the session then waits for {@link Connection#writable()}. */
    private volatile boolean toldUnwritable;
    /** Set once the outbound bound closed the connection: later sends are dropped, not handed over. */
    private volatile boolean overLimit;

    MqttConnectionHandler(Broker broker) {
        this(broker, DEFAULT_MAX_OUTBOUND_BYTES);
    }

    /** {@code maxOutboundBytes}: bytes waiting for the client beyond which it is disconnected. */
    MqttConnectionHandler(Broker broker, long maxOutboundBytes) {
        this.broker = broker;
        this.maxOutboundBytes = maxOutboundBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        connection = broker.open(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        super.channelRead(ctx, msg);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        // Moquette's rule: look at the decoder's verdict before touching anything else
        if (message.decoderResult().isFailure()) {
            Throwable cause = message.decoderResult().cause();
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                connection.unsupportedProtocolVersion(String.valueOf(cause.getMessage()));
            } else if (cause instanceof MqttIdentifierRejectedException) {
                connection.identifierRejected(String.valueOf(cause.getMessage()));
            } else if (cause instanceof TooLongFrameException) {
                connection.packetTooLarge("packet too large: " + cause.getMessage());
            } else {
                connection.malformed("malformed packet: " + cause.getMessage());
            }
            return;
        }
        try {
            connection.received(NettyPackets.fromNetty(message));
        } catch (MalformedPacketException e) {
            connection.malformed(e.getMessage());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        reading = false;
        flushHeld();
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        // a held flush must not keep a full outbound buffer from draining
        flushHeld();
        tellIfWritableAgain();
        super.channelWritabilityChanged(ctx);
    }

    /** On the event loop: the session sends what it held back once the client has read enough. */
    private void tellIfWritableAgain() {
        if (toldUnwritable && connection != null && isWritable()) {
            toldUnwritable = false;
            connection.writable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            connection.connectionLost();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // resets and broken pipes are how mobile devices leave: not worth more than a debug line;
            // closing makes it a lost connection (will published) through channelInactive
            LOG.debugf("connection error for %s: %s", connection, cause.getMessage());
        } else if (cause instanceof DecoderException && connection != null) {
            // the client's bytes broke the framing under MQTT (a corrupt WebSocket frame): bad input, one line, no stack trace
            connection.violation("malformed frame: " + cause.getMessage());
        } else {
            LOG.warnf(cause, "unexpected error on %s; closing it", connection);
            if (connection != null) {
                connection.violation("internal error: " + cause.getClass().getSimpleName());
            }
        }
        ctx.close();
    }

    // ------------------------------------------------------------ ClientLink

    @Override
    public void send(Packet packet) {
        if (overLimit) {
            return; // closing: nothing more is kept for this client
        }
        if (ctx.executor().inEventLoop() && handedOver == 0) {
            writeNow(NettyPackets.toNetty(packet));
            return;
        }
        long bytes = Footprint.of(packet);
        if (!ctx.channel().isWritable() && outboundBytes() + bytes > maxOutboundBytes) {
            outboundLimitExceeded();
            return;
        }
        MqttMessage message = NettyPackets.toNetty(packet);
        HANDED_OVER.incrementAndGet(this);
        HANDED_OVER_BYTES.addAndGet(this, bytes);
        try {
            // one task for write and flush: a delivery from another thread costs one hand-over
            ctx.executor().execute(() -> {
                HANDED_OVER.decrementAndGet(this);
                HANDED_OVER_BYTES.addAndGet(this, -bytes);
                writeNow(message);
                tellIfWritableAgain();
            });
        } catch (RejectedExecutionException shutDown) {
            // the event loop is gone, and the connection with it
            HANDED_OVER.decrementAndGet(this);
            HANDED_OVER_BYTES.addAndGet(this, -bytes);
            ReferenceCountUtil.release(message);
        }
    }

    /** On the event loop. */
    private void writeNow(MqttMessage message) {
        encodeAndWrite(message);
        if (!holdFlush()) {
            ctx.flush();
        }
        checkOutboundBound();
    }

    @Override
    public void write(Packet packet) {
        encodeAndWrite(NettyPackets.toNetty(packet));
        checkOutboundBound();
    }

    /** Bytes written and not yet taken by the network, plus sends handed over and not yet written. */
    private long outboundBytes() {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return (buffer == null ? 0 : buffer.totalPendingWriteBytes()) + handedOverBytes;
    }

    /** On the event loop, after a write: a client that does not read costs it its connection beyond the bound. */
    private void checkOutboundBound() {
        if (!ctx.channel().isWritable() && !overLimit && outboundBytes() > maxOutboundBytes) {
            outboundLimitExceeded();
        }
    }

    private void outboundLimitExceeded() {
        if (overLimit) {
            return;
        }
        overLimit = true;
        long bytes = outboundBytes();
        Runnable close = () -> connection.limitExceeded("limits.max-outbound-buffer-disconnect",
                "the client does not read: " + bytes + " bytes wait for it, more than " + maxOutboundBytes);
        if (ctx.executor().inEventLoop()) {
            close.run();
        } else {
            execute(close);
        }
    }

    /** On the event loop: the encoded bytes go to the handler in front of this one (TLS, WebSocket frames or the socket). */
    private void encodeAndWrite(MqttMessage message) {
        try {
            MqttEncoder.INSTANCE.write(ctx, message, ctx.voidPromise());
        } catch (Exception e) {
            // the encoder released the message; as a handler of its own its failure reached exceptionCaught too
            exceptionCaught(ctx, e);
        }
    }

    @Override
    public void flush() {
        if (!ctx.executor().inEventLoop() || !holdFlush()) {
            ctx.flush();
        }
    }

    /** Whether a flush asked for on the event loop waits for the end of the read burst (it flushes everything written before). */
    private boolean holdFlush() {
        if (!reading) {
            return false;
        }
        if (++heldFlushes < MAX_HELD_FLUSHES) {
            return true;
        }
        heldFlushes = 0;
        return false;
    }

    private void flushHeld() {
        if (heldFlushes > 0) {
            heldFlushes = 0;
            ctx.flush();
        }
    }

    /** Whether the channel and the sends handed over to it together stay below the high water mark. */
    @Override
    public boolean isWritable() {
        if (hasRoom()) {
            return true;
        }
        // the flag first, then a second look: a hand-over that finished between the two looks either sees
        // the flag and tells the session, or its bytes are gone by the second look (no lost wake-up)
        toldUnwritable = true;
        return hasRoom();
    }

    private boolean hasRoom() {
        long room = ctx.channel().bytesBeforeUnwritable();
        return room > 0 && room > handedOverBytes;
    }

    @Override
    public void pauseReading() {
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void execute(Runnable task) {
        ctx.executor().execute(task);
    }

    @Override
    public void close() {
        if (ctx.executor().inEventLoop()) {
            // a CONNACK refusal or a last packet written in this read burst goes out before the close
            flushHeld();
        }
        ctx.close();
    }

    @Override
    public String certificateCommonName() {
        return ClientCertificates.commonName(ctx.pipeline());
    }

    @Override
    public String peerUser() {
        return ctx.channel().attr(UnixSocketListener.PEER_USER).get();
    }

    /** Formatted on demand (log lines, auth): not kept per connection. */
    @Override
    public String remoteAddress() {
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : remoteHost();
    }

    /** A Unix socket's peers all have the same address: they are told apart (and throttled) by uid. */
    @Override
    public String remoteHost() {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress();
        }
        Integer uid = ctx.channel().attr(UnixSocketListener.PEER_UID).get();
        return uid != null ? "unix:uid=" + uid : "unix";
    }
}
