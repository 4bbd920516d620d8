package io.popbridge.bridge;

import io.netty.buffer.ByteBuf;
import io.popbridge.imap.FetchBodyListener;
import io.popbridge.imap.ImapClient;
import io.popbridge.pop3.BodySink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a streamed FETCH body literal to a POP3 body sink, pausing the upstream connection while
 * the POP3 client cannot take more (so memory stays bounded by the write watermarks plus one read
 * buffer, whatever the message size).
 *
 * <p>The first literal starts the reply ({@link BodySink#begin()}); a server that sends a second
 * body literal for the same request has it dropped, so two bodies are never glued into one
 * message. Subclasses for TOP, which sends several fetches under one {@code +OK}, override this.
 */
class BodyRelay implements FetchBodyListener {

    private static final Logger log = LoggerFactory.getLogger(BodyRelay.class);

    private final ImapClient client;
    final BodySink sink;
    private boolean paused;
    boolean started;
    /** Literals of this fetch so far; only the first is relayed. */
    private int literals;
    /** Octets of the current literal as announced, and as received. */
    long announced = -1;
    long received;

    BodyRelay(ImapClient client, BodySink sink) {
        this.client = client;
        this.sink = sink;
    }

    @Override
    public void bodyStart(long size) {
        if (literals++ > 0) {
            log.warn("upstream sent a second body literal for one message; dropped");
            return;
        }
        announced = size;
        received = 0;
        if (size >= 0 && !started) {
            started = true;
            sink.begin();
        }
    }

    @Override
    public void bodyChunk(ByteBuf chunk) {
        if (literals > 1) {
            chunk.release();
            return;
        }
        received += chunk.readableBytes();
        forward(chunk);
    }

    /** Passes (part of) a chunk on; takes ownership. */
    void forward(ByteBuf chunk) {
        if (!started) {
            chunk.release();
            return;
        }
        sink.write(chunk);
        if (!paused && !sink.isWritable()) {
            paused = true;
            client.setAutoRead(false);
            sink.whenWritable(this::resume);
        }
    }

    /**
     * Reads upstream again. Called when the client drained, and when the fetch has completed: the
     * body is done, and the answers to the next commands (QUIT's STORE, say) must be read even if
     * the client is still slow, or they would wait forever with the command timer paused.
     */
    void resume() {
        if (paused) {
            paused = false;
            client.setAutoRead(true);
        }
    }

    @Override
    public void bodyEnd() {
    }
}
