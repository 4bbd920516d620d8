package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (PARANOID in the build) reports a leaked buffer.
 * Leaks are only found once the garbage collector has reclaimed an unreleased buffer, so this asks
 * for a few collections and allocates to make the detector look; a leak it misses shows up in
 * the log of a later run.
 */
final class LeakGuard implements AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ByteBufUtil.setLeakListener((type, records) -> {
            synchronized (LEAKS) {
                LEAKS.add(type + records);
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(10);
            // the detector polls its reference queue when it tracks a new buffer
            for (int j = 0; j < 16; j++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(8);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(8);
                a.release();
                b.release();
            }
        }
        synchronized (LEAKS) {
            if (!LEAKS.isEmpty()) {
                String report = String.join("\n", LEAKS);
                LEAKS.clear();
                fail("Netty reported leaked buffers:\n" + report);
            }
        }
    }
}
