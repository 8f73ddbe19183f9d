package dev.tributary.edge.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;

/**
 * MQTT on a Unix domain socket, for applications on the same host (Mosquitto's {@code listener 0 /path}).
 * The same pipeline, auth and ACLs as TCP. A socket file left by a process that died is replaced; one
 * another process still serves, or a path that is not a socket, stops the start with the reason. The file
 * is removed at stop.
 */
final class UnixSocketListener {

    private static final Logger LOG = Logger.getLogger(UnixSocketListener.class);

    /** The user a connection's peer uid maps to ({@link UnixSocket#peerUsers()}), set when the connection is accepted. */
    static final AttributeKey<String> PEER_USER = AttributeKey.valueOf("tributary.peer-user");
    /** The peer's uid, when the transport can tell it: login failures are counted per uid, not for all local peers at once. */
    static final AttributeKey<Integer> PEER_UID = AttributeKey.valueOf("tributary.peer-uid");

    private final UnixSocket settings;
    private Channel channel;

    UnixSocketListener(UnixSocket settings) {
        this.settings = settings;
    }

    /** Binds on {@code boss}/{@code workers}' transport (epoll or NIO); {@code init} builds the MQTT pipeline. */
    void start(EventLoopGroup boss, EventLoopGroup workers, Consumer<Channel> init) throws InterruptedException {
        Path path = settings.path();
        removeStale(path);
        boolean epoll = workers instanceof EpollEventLoopGroup;
        if (!epoll && !settings.peerUsers().isEmpty()) {
            LOG.warnf("tributary.edge.unix-socket.peer-users is set but epoll is not available here: peers' uids cannot be"
                    + " read, so every client on %s must log in with a user name and password", path);
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel child) {
                        identify(child);
                        init.accept(child);
                    }
                });
        channel = bootstrap.bind(epoll ? new DomainSocketAddress(path.toFile()) : UnixDomainSocketAddress.of(path)).sync().channel();
        try {
            Files.setPosixFilePermissions(path, settings.permissions());
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot set the permissions of the Unix socket " + path
                    + " (tributary.edge.unix-socket.permissions)", e);
        }
        LOG.infof("MQTT listening on the Unix socket %s (%s)", path, epoll ? "epoll" : "nio");
    }

    private void identify(Channel child) {
        if (child instanceof EpollDomainSocketChannel domain) {
            try {
                int uid = domain.peerCredentials().uid();
                child.attr(PEER_UID).set(uid);
                String user = settings.peerUsers().get(uid);
                if (user != null) {
                    child.attr(PEER_USER).set(user);
                }
            } catch (IOException e) {
                LOG.warnf("cannot read the peer credentials of a connection on %s: it must log in with a password (%s)",
                        settings.path(), e.getMessage());
            }
        }
    }

    /**
     * A socket file nobody answers on is what a killed process leaves: it is removed. One somebody answers on
     * belongs to a running broker, and anything that is not a socket is not ours to delete.
     */
    static void removeStale(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IllegalStateException("tributary.edge.unix-socket.path " + path + " exists and is not a socket: not replacing it");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IllegalStateException("another process serves the Unix socket " + path + " (tributary.edge.unix-socket.path)");
        } catch (IOException refused) {
            try {
                Files.delete(path);
                LOG.infof("removed the stale Unix socket %s a stopped process left", path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale Unix socket " + path, e);
            }
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000; // S_IFSOCK
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Stops accepting and removes the socket file. */
    void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        try {
            Files.deleteIfExists(settings.path());
        } catch (IOException e) {
            LOG.warnf("cannot remove the Unix socket %s: %s", settings.path(), e.getMessage());
        }
    }
}
