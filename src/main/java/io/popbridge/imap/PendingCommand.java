package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.Tagged;
import io.popbridge.imap.ImapResponse.Untagged;

/**
 * A command sent (or waiting to be sent) whose tagged response has not arrived. Untagged data and
 * FETCH events received meanwhile are offered to every pending command, which keeps what it
 * needs. Called on the connection's event loop only.
 */
abstract class PendingCommand<T> {

    final Promise<T> promise;
    EncodedCommand encoded;
    int nextFragment;

    PendingCommand(Promise<T> promise) {
        this.promise = promise;
    }

    String name() {
        return encoded == null ? "command" : encoded.name();
    }

    void untagged(Untagged response) {
    }

    void fetchStart(long sequence) {
    }

    void fetchAttribute(FetchAttribute attribute) {
    }

    /** Whether this command takes the body that starts; if so it gets its chunks and end. */
    boolean bodyStart(BodyStart start) {
        return false;
    }

    /** A chunk of the body this command claimed; it owns (releases or passes on) {@code chunk}. */
    void bodyChunk(ByteBuf chunk) {
        chunk.release();
    }

    void bodyEnd() {
    }

    void fetchEnd() {
    }

    /** The result for a tagged OK; may throw {@link ProtocolViolation}. */
    abstract T completed(Tagged ok);

    void fail(Throwable cause) {
        promise.tryFailure(cause);
    }
}
