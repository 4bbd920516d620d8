package io.popbridge.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build's leak check must be able to fail: a deliberately dropped buffer is reported. */
class LeakCheckExtensionTest {

    @Test
    void droppedBufferIsReported() throws Exception {
        leakOne();
        List<String> leaks = List.of();
        for (int i = 0; i < 20 && leaks.isEmpty(); i++) {
            leaks = LeakCheckExtension.collectLeaks();
        }
        assertFalse(leaks.isEmpty(), "a leaked buffer was not reported");
        assertTrue(leaks.get(0).startsWith("LEAK"), leaks.get(0));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeInt(42);
        // dropped without release on purpose
    }
}
