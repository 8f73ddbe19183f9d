package dev.tributary.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.buffer.PooledByteBufAllocator;

/** The leak check catches a buffer that is never released (so the suites that use it can fail). */
class NettyLeakCheckTest {

    @Test
    void plantedLeak_failsTheCheck() {
        ExtensionContext context = (ExtensionContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ExtensionContext.class },
                (proxy, method, args) -> method.getName().equals("getDisplayName") ? "planted" : null);
        NettyLeakCheck check = new NettyLeakCheck();
        check.beforeAll(context);
        for (int i = 0; i < 10; i++) {
            PooledByteBufAllocator.DEFAULT.buffer(128).writeInt(i); // never released
        }
        assertThatThrownBy(() -> check.afterAll(context)).isInstanceOf(AssertionError.class).hasMessageContaining("leak");
    }
}
