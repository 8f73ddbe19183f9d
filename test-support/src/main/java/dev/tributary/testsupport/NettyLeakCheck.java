package dev.tributary.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Fails a test class when Netty's leak detector reports a buffer that was never released while
 * the class ran ({@code @ExtendWith(NettyLeakCheck.class)}; the build runs tests with
 * {@code io.netty.leakDetection.level=paranoid}). Leaks surface when a leaked buffer is collected
 * and a later allocation notices, so the check collects garbage and allocates before it looks.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {

    private static final String DETECTOR = "io.netty.util.ResourceLeakDetector";
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final Handler WATCH = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains("LEAK")) {
                LEAKS.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        LEAKS.clear();
        Logger.getLogger(DETECTOR).addHandler(WATCH);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // the JVM's reference handler thread queues a collected buffer's tracker some time after the collection, and
        // only an allocation after that reports it: collect, give that thread a moment, allocate, a few times over
        for (int i = 0; i < 10 && LEAKS.isEmpty(); i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1024);
            probe.release();
        }
        Logger.getLogger(DETECTOR).removeHandler(WATCH);
        if (!LEAKS.isEmpty()) {
            throw new AssertionError(LEAKS.size() + " Netty buffer leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", LEAKS));
        }
    }
}
