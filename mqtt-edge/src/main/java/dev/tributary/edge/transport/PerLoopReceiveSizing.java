package dev.tributary.edge.transport;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Netty's adaptive receive-buffer sizing, with one sizing handle per I/O thread instead of one per
 * channel: the handle (96 bytes with its helper) was the largest single object of an idle
 * connection after the channel itself.
 *
 * <p>Sharing is safe because a handle only carries state through one read loop: Netty resets it
 * at the start of each, and an I/O thread runs the read loops of its channels one after the other,
 * never one inside another (a handler that closes or writes to another channel does not read it).
 * Netty asks for a channel's handle only in that channel's read path, on the channel's own I/O
 * thread. What the channels of a thread share is the size guess for the next buffer, a guess that
 * adapts to the mix of their reads rather than to each one's; a guess too small costs one more read
 * call, one too large a larger pooled buffer for a moment.
 */
final class PerLoopReceiveSizing implements RecvByteBufAllocator {

    private final AdaptiveRecvByteBufAllocator policy = new AdaptiveRecvByteBufAllocator();
    private final FastThreadLocal<Handle> perThread = new FastThreadLocal<>() {
        @Override
        protected Handle initialValue() {
            return policy.newHandle();
        }
    };

    @Override
    public Handle newHandle() {
        // Netty's I/O threads are FastThreadLocalThreads; any other caller gets a handle of its own
        return Thread.currentThread() instanceof FastThreadLocalThread ? perThread.get() : policy.newHandle();
    }
}
