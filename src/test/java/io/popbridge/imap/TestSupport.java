package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Helpers for driving {@link ImapClient} from a test thread. */
final class TestSupport {

    private TestSupport() {
    }

    /** Runs {@code call} on {@code loop} and waits for the future it returns. */
    static <T> T await(EventLoop loop, Supplier<Future<T>> call) throws Exception {
        Future<T> f = loop.submit(call::get).get(10, TimeUnit.SECONDS);
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Like {@link #await} but returns the failure's cause. */
    static Throwable failure(EventLoop loop, Supplier<Future<?>> call) throws Exception {
        Future<?> f = loop.submit(call::get).get(10, TimeUnit.SECONDS);
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    /** Records listener calls and the body octets; releases every chunk. */
    static final class Recorder implements FetchBodyListener {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public synchronized void bodyStart(long size) {
            events.add("start " + size);
        }

        @Override
        public synchronized void bodyChunk(ByteBuf chunk) {
            try {
                byte[] b = new byte[chunk.readableBytes()];
                chunk.readBytes(b);
                body.writeBytes(b);
                if (!events.get(events.size() - 1).equals("chunk")) {
                    events.add("chunk");
                }
            } finally {
                chunk.release();
            }
        }

        @Override
        public synchronized void bodyEnd() {
            events.add("end");
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }
    }
}
