package io.popbridge.imap;

import io.netty.buffer.ByteBuf;

/**
 * Receives the streamed body literal of a {@code UID FETCH}. Called on the connection's event
 * loop: {@code bodyStart}, {@code bodyChunk}*, {@code bodyEnd}, once per body literal received
 * (normally once). NIL bodies are reported as a start of size -1 followed by an end.
 */
public interface FetchBodyListener {

    /** A body literal of {@code size} octets begins. */
    void bodyStart(long size);

    /** The next octets of the literal; the listener owns (must release) {@code chunk}. */
    void bodyChunk(ByteBuf chunk);

    /** The literal is complete. */
    void bodyEnd();
}
