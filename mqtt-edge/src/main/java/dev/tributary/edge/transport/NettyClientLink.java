package dev.tributary.edge.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import dev.tributary.edge.codec.NettyPackets;
import dev.tributary.edge.protocol.ClientLink;
import dev.tributary.edge.protocol.Packet;
import io.netty.channel.Channel;

/** A {@link ClientLink} over a Netty channel. */
final class NettyClientLink implements ClientLink {

    private final Channel channel;

    NettyClientLink(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void send(Packet packet) {
        channel.writeAndFlush(NettyPackets.toNetty(packet), channel.voidPromise());
    }

    @Override
    public void write(Packet packet) {
        channel.write(NettyPackets.toNetty(packet), channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public void close() {
        channel.close();
    }

    /** Formatted on demand (log lines, auth): not kept per connection. */
    @Override
    public String remoteAddress() {
        SocketAddress remote = channel.remoteAddress();
        return remote instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(remote);
    }
}
