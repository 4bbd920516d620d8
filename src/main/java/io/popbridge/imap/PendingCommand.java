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

    /**
     * Whether later commands must wait for this one's tagged response, not just for its last
     * fragment (a SASL exchange: a later command line would be read as a SASL response).
     */
    boolean holdsConnection() {
        return false;
    }

    /**
     * The line answering a continuation request that came after every fragment was sent (a SASL
     * challenge), CRLF included. Only SASL commands accept one.
     */
    byte[] challenge(String text) {
        throw new ProtocolViolation("continuation request while no literal is waiting");
    }

    /** Overwrites the encoded octets if they hold secrets; called once the command is answered. */
    void wipe() {
    }

    /** The result for a tagged OK; may throw {@link ProtocolViolation}. */
    abstract T completed(Tagged ok);

    void fail(Throwable cause) {
        promise.tryFailure(cause);
    }
}
