package io.popbridge.pop3;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** An in-memory mailbox: bodies in memory, streamed at once or when the test says so. */
class FakeMailbox implements Mailbox {

    record Request(int number, long lines, BodySink sink) {
    }

    EventLoop loop;
    int chunkSize = 5;
    private final List<Long> sizes = new ArrayList<>();
    private final List<String> uidls = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    final List<Request> pendingBodies = new ArrayList<>();
    final List<SortedSet<Integer>> commits = new ArrayList<>();
    Promise<Void> commitPromise;
    boolean deferBodies;
    boolean deferCommit;
    boolean honourBackpressure;
    int pausedForBackpressure;
    int abandoned;

    FakeMailbox(EventLoop loop) {
        this.loop = loop;
    }

    FakeMailbox add(String uidl, String body) {
        sizes.add((long) body.getBytes(StandardCharsets.ISO_8859_1).length);
        uidls.add(uidl);
        bodies.add(body);
        return this;
    }

    @Override
    public MessageList messages() {
        List<Long> sizeOf = List.copyOf(sizes);
        List<String> uidlOf = List.copyOf(uidls);
        return new MessageList() {
            @Override
            public int count() {
                return sizeOf.size();
            }

            @Override
            public long size(int number) {
                return sizeOf.get(number - 1);
            }

            @Override
            public String uidl(int number) {
                return uidlOf.get(number - 1);
            }
        };
    }

    @Override
    public void retrieve(int number, BodySink sink) {
        request(new Request(number, -1, sink));
    }

    @Override
    public void top(int number, long lines, BodySink sink) {
        request(new Request(number, lines, sink));
    }

    private void request(Request r) {
        if (deferBodies) {
            pendingBodies.add(r);
        } else {
            send(r);
        }
    }

    /** Streams the body in chunks of a few octets (TOP sends the header block only). */
    void send(Request r) {
        String body = bodies.get(r.number() - 1);
        if (r.lines() >= 0) {
            int blank = body.indexOf("\r\n\r\n");
            body = blank < 0 ? body : body.substring(0, blank + 4);
        }
        r.sink().begin();
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        if (honourBackpressure) {
            pump(r.sink(), bytes, 0);
            return;
        }
        for (int i = 0; i < bytes.length; i += chunkSize) {
            r.sink().write(Unpooled.copiedBuffer(bytes, i, Math.min(chunkSize, bytes.length - i)));
        }
        r.sink().end();
    }

    /** Writes while the client can take it, then continues when the sink says it is writable. */
    private void pump(BodySink sink, byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length) {
            if (!sink.isWritable()) {
                pausedForBackpressure++;
                int next = i;
                sink.whenWritable(() -> pump(sink, bytes, next));
                return;
            }
            sink.write(Unpooled.copiedBuffer(bytes, i, Math.min(chunkSize, bytes.length - i)));
            i += chunkSize;
        }
        sink.end();
    }

    @Override
    public Future<Void> commit(SortedSet<Integer> deleted) {
        commits.add(new TreeSet<>(deleted));
        commitPromise = loop.newPromise();
        if (!deferCommit) {
            commitPromise.setSuccess(null);
        }
        return commitPromise;
    }

    @Override
    public void abandon() {
        abandoned++;
    }
}
