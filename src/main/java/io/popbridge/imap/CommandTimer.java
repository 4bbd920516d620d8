package io.popbridge.imap;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The command timeout: fires when commands are pending and no response byte has arrived for the
 * timeout. The clock stands still while reading is paused for backpressure and restarts on resume.
 * One timer per connection, re-armed lazily rather than on every read. Event loop only; the loop
 * is looked up at each arming, so that a connection moved to another loop (cancel first, on the
 * old loop) is timed on its new one.
 */
final class CommandTimer {

    private final Supplier<? extends EventExecutor> loop;
    private final long timeoutNanos;
    private final BooleanSupplier waiting;
    private final Runnable onTimeout;
    private boolean paused;
    private long lastProgress = System.nanoTime();
    private ScheduledFuture<?> timer;

    /**
     * @param waiting whether a response is awaited (commands pending, connection usable)
     */
    CommandTimer(Supplier<? extends EventExecutor> loop, Duration timeout, BooleanSupplier waiting, Runnable onTimeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.waiting = waiting;
        this.onTimeout = onTimeout;
    }

    /** Response bytes arrived, or a command was sent while none was pending: restart the clock. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** Makes sure the timer runs if a response is awaited. */
    void arm() {
        if (timer != null || paused || !waiting.getAsBoolean()) {
            return;
        }
        long remaining = Math.max(0, lastProgress + timeoutNanos - System.nanoTime());
        timer = loop.get().schedule(this::check, remaining, TimeUnit.NANOSECONDS);
    }

    void pause() {
        paused = true;
        cancel();
    }

    void resume() {
        paused = false;
        progress();
        arm();
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (paused || !waiting.getAsBoolean()) {
            return;
        }
        if (System.nanoTime() - lastProgress >= timeoutNanos) {
            onTimeout.run();
        } else {
            arm();
        }
    }
}
