package io.popbridge.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.popbridge.imap.FetchBodyListener;
import io.popbridge.imap.ImapClient;

/**
 * The message a RETR loop will probably ask for next, fetched ahead of time with
 * {@code BODY.PEEK[]} (so nothing is marked {@code \Seen}) while the previous RETR is still going
 * out, and kept until the client asks for it or it is dropped; or, for a TOP loop, the header of
 * the next message ({@code BODY.PEEK[HEADER]}).
 *
 * <p>Memory: at most {@code limit} octets, copied into one buffer of the announced literal size.
 * A literal announced larger than the limit (a wrong RFC822.SIZE) is not kept: its octets are
 * released as they arrive and the prefetch is unusable, so the RETR fetches again as it would
 * without prefetching.
 *
 * <p>Once claimed, the prefetch becomes an ordinary {@link BodyRelay}: what was buffered goes to
 * the sink at once, the rest streams through with backpressure.
 *
 * <p>Threading: event-loop confined, like the client. Ownership: the buffer is released by
 * {@link #drop()}, by a failed fetch, or handed to the sink by {@link #claim}.
 */
final class Prefetch implements FetchBodyListener {

    /** No body literal has started yet. */
    private static final long NONE = -2;

    final int number;
    final long uid;
    /** {@code BODY.PEEK[HEADER]} for TOP rather than {@code BODY.PEEK[]} for RETR. */
    final boolean header;
    private final int limit;
    private ByteBuf buffer;
    private long announced = NONE;
    private int literals;
    /** Dropped, over the limit or failed: chunks are released as they come and it is never served. */
    private boolean dropped;
    private BodyRelay relay;
    /** The {@code UID FETCH}; set right after the command is submitted. */
    Future<Integer> fetch;

    private Prefetch(int number, long uid, boolean header, int limit) {
        this.number = number;
        this.uid = uid;
        this.header = header;
        this.limit = limit;
    }

    /** Sends the {@code UID FETCH} (pipelined behind whatever is in flight) and returns the prefetch. */
    static Prefetch start(ImapClient client, int number, long uid, boolean header, int limit) {
        Prefetch ahead = new Prefetch(number, uid, header, limit);
        ahead.fetch = client.uidFetchBody(uid, header ? "BODY.PEEK[HEADER]" : "BODY.PEEK[]", ahead);
        return ahead;
    }

    @Override
    public void bodyStart(long size) {
        if (relay != null) {
            relay.bodyStart(size);
            return;
        }
        if (literals++ > 0) {
            return; // a second literal for one message: BodyRelay drops it too
        }
        announced = size;
        if (size > limit) {
            drop();
        }
    }

    @Override
    public void bodyChunk(ByteBuf chunk) {
        if (relay != null) {
            relay.bodyChunk(chunk);
            return;
        }
        if (dropped || literals != 1 || announced < 0) {
            chunk.release();
            return;
        }
        try {
            if (buffer == null) {
                buffer = chunk.alloc().directBuffer((int) announced, limit);
            }
            if (buffer.readableBytes() + chunk.readableBytes() > limit) {
                drop(); // more octets than announced: not kept
                return;
            }
            buffer.writeBytes(chunk);
        } finally {
            chunk.release();
        }
    }

    @Override
    public void bodyEnd() {
        if (relay != null) {
            relay.bodyEnd();
        }
    }

    /** Called when the fetch completed (before any claim's own listener). */
    void fetched(Future<?> done) {
        if (!done.isSuccess() && relay == null) {
            drop(); // reported only if the client asks for this message: it is then fetched again
        }
    }

    /** Whether a RETR ({@code header} false) or TOP of {@code n} can be served from this prefetch. */
    boolean serves(int n, boolean top) {
        return n == number && top == header && !dropped && !(fetch.isDone() && !fetch.isSuccess());
    }

    /**
     * Serves the RETR or TOP from this prefetch: replays what has arrived into {@code relay} and
     * forwards the rest to it. The caller ends the reply when {@link #fetch} completes.
     */
    <R extends BodyRelay> R claim(R relay) {
        this.relay = relay;
        if (announced != NONE) {
            relay.bodyStart(announced);
            ByteBuf held = buffer;
            buffer = null;
            if (held != null) {
                relay.bodyChunk(held);
            }
        }
        return relay;
    }

    /** Gives up the prefetch: releases what it holds and every octet still to come. Idempotent. */
    void drop() {
        dropped = true;
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
