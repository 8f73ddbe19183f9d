package dev.tributary.edge.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

import dev.tributary.edge.codec.NettyPackets;
import dev.tributary.edge.protocol.ClientLink;
import dev.tributary.edge.protocol.Packet;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

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

    @Override
    public String certificateCommonName() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException noCertificate) {
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
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
