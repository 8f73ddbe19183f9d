package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

class PerLoopReceiveSizingTest {

    private final PerLoopReceiveSizing sizing = new PerLoopReceiveSizing();

    @Test
    void channelsOfOneIoThread_shareOneHandle_otherThreadsHaveTheirOwn() throws Exception {
        EventLoopGroup loops = new DefaultEventLoopGroup(2);
        try {
            var first = loops.next();
            var second = loops.next();
            RecvByteBufAllocator.Handle a1 = first.submit(sizing::newHandle).get();
            RecvByteBufAllocator.Handle a2 = first.submit(sizing::newHandle).get();
            RecvByteBufAllocator.Handle b = second.submit(sizing::newHandle).get();

            assertThat(a2).isSameAs(a1);
            assertThat(b).isNotSameAs(a1);
            // a thread that is not an I/O thread could be any thread: it never gets a shared handle
            assertThat(sizing.newHandle()).isNotSameAs(sizing.newHandle());
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The shared handle must not cut one channel's read short or mix up its accounting with another's. */
    @Test
    void manyConnectionsOnOneIoThread_sendingAtOnce_eachArrivesWhole() throws Exception {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup loop = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Map<String, CRC32> received = new ConcurrentHashMap<>();
        Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
        try {
            Channel server = new ServerBootstrap().group(loop).channel(type)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, sizing)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            String key = ch.remoteAddress().toString();
                            CRC32 crc = received.computeIfAbsent(key, k -> new CRC32());
                            AtomicLong count = bytes.computeIfAbsent(key, k -> new AtomicLong());
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf data) {
                                    count.addAndGet(data.readableBytes());
                                    crc.update(data.nioBuffer());
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();

            int senders = 20;
            List<CompletableFuture<long[]>> sent = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                long seed = i;
                sent.add(CompletableFuture.supplyAsync(() -> send(port, seed)));
            }
            Map<String, long[]> expected = new ConcurrentHashMap<>();
            for (CompletableFuture<long[]> s : sent) {
                long[] portSizeCrc = s.get(60, TimeUnit.SECONDS);
                expected.put("/127.0.0.1:" + portSizeCrc[0], portSizeCrc);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !allArrived(expected, bytes)) {
                Thread.sleep(20);
            }
            assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((key, sizeCrc) -> {
                assertThat(bytes.get(key).get()).as("bytes from %s", key).isEqualTo(sizeCrc[1]);
                assertThat(received.get(key).getValue()).as("checksum of %s", key).isEqualTo(sizeCrc[2]);
            });
            server.close().sync();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static boolean allArrived(Map<String, long[]> expected, Map<String, AtomicLong> bytes) {
        return expected.entrySet().stream()
                .allMatch(e -> bytes.containsKey(e.getKey()) && bytes.get(e.getKey()).get() == e.getValue()[1]);
    }

    /** Writes chunks from 1 byte to 64 KB, so the shared size guess keeps being wrong for someone. */
    private static long[] send(int port, long seed) {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        long total = 0;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 200; i++) {
                byte[] chunk = new byte[random.nextBoolean() ? 1 + random.nextInt(64) : 1 + random.nextInt(65536)];
                random.nextBytes(chunk);
                out.write(chunk);
                crc.update(chunk);
                total += chunk.length;
            }
            out.flush();
            return new long[] { socket.getLocalPort(), total, crc.getValue() };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
