package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Sequencing of Netty futures on one event loop: run a step only after the previous succeeded. */
final class Chain {

    private Chain() {
    }

    static Future<Void> failed(EventLoop loop, Throwable cause) {
        return loop.newFailedFuture(cause);
    }

    /** {@code first}, then (if it succeeded) {@code next}; fails with the first failure. */
    static Future<Void> then(EventLoop loop, Future<Void> first, Supplier<Future<Void>> next) {
        Promise<Void> promise = loop.newPromise();
        first.addListener(f -> {
            if (f.isSuccess()) {
                relay(next.get(), promise);
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** Runs {@code step} for each item in order, each after the previous succeeded. */
    static <T> Future<Void> each(EventLoop loop, List<T> items, Function<T, Future<Void>> step) {
        Promise<Void> promise = loop.newPromise();
        next(items.iterator(), step, promise);
        return promise;
    }

    private static <T> void next(Iterator<T> items, Function<T, Future<Void>> step, Promise<Void> promise) {
        if (!items.hasNext()) {
            promise.setSuccess(null);
            return;
        }
        step.apply(items.next()).addListener(f -> {
            if (f.isSuccess()) {
                next(items, step, promise);
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    private static void relay(Future<Void> from, Promise<Void> to) {
        from.addListener(f -> {
            if (f.isSuccess()) {
                to.setSuccess(null);
            } else {
                to.setFailure(f.cause());
            }
        });
    }
}
