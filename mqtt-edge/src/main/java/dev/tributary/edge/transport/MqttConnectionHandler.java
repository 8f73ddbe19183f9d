package dev.tributary.edge.transport;

import java.io.IOException;

import org.jboss.logging.Logger;

import dev.tributary.edge.codec.MalformedPacketException;
import dev.tributary.edge.codec.NettyPackets;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.Connection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;

/**
 * The last handler of an MQTT pipeline: turns decoded messages into packets for the connection's
 * protocol state machine, and channel events (closed, errors) into its calls. The one place
 * where a connection's errors are handled.
 */
final class MqttConnectionHandler extends SimpleChannelInboundHandler<MqttMessage> {

    private static final Logger LOG = Logger.getLogger(MqttConnectionHandler.class);

    private final Broker broker;
    private Connection connection;

    MqttConnectionHandler(Broker broker) {
        this.broker = broker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connection = broker.open(new NettyClientLink(ctx.channel()));
        super.channelActive(ctx);
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
                connection.violation("packet too large: " + cause.getMessage());
            } else {
                connection.violation("malformed packet: " + cause.getMessage());
            }
            return;
        }
        try {
            connection.received(NettyPackets.fromNetty(message));
        } catch (MalformedPacketException e) {
            connection.violation(e.getMessage());
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
        } else {
            LOG.warnf(cause, "unexpected error on %s; closing it", connection);
            if (connection != null) {
                connection.violation("internal error: " + cause.getClass().getSimpleName());
            }
        }
        ctx.close();
    }
}
