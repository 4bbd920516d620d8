package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;

/**
 * Receives one message (or the top of one) for a RETR or TOP reply. Implemented by the POP3 front
 * end, which dot-stuffs, normalises line ends to CRLF and writes to the client.
 *
 * <p>Threading: call on the session's event loop only. Order: {@code begin}, {@code write}*,
 * {@code end}; or {@code fail} at any point (at most once, and nothing after it).
 */
public interface BodySink {

    /** The message exists and is coming: the front end sends {@code +OK}. */
    void begin();

    /** Raw message octets, in order. Takes ownership of (releases) {@code chunk}. */
    void write(ByteBuf chunk);

    /** The message is complete: the front end ends the last line if needed and sends {@code .}. */
    void end();

    /**
     * The operation failed. Before {@link #begin()} the client gets {@code -ERR} chosen by the
     * failure kind; after it, the client connection is closed without the terminating dot, so a
     * truncated message is never taken for a whole one.
     */
    void fail(MailboxException cause);

    /**
     * After {@link #end()}: the octets of the message as sent, with CRLF line ends and before
     * dot-stuffing (what LIST should have announced); -1 before, or when unknown. Lets the
     * producer notice a wrong upstream size without scanning the message a second time.
     */
    default long messageOctets() {
        return -1;
    }

    /** Whether the client can take more data now; when false, stop reading upstream. */
    boolean isWritable();

    /**
     * Runs {@code task} once on the event loop when the client becomes writable again (at once, if
     * it already is). Used to resume reading upstream.
     */
    void whenWritable(Runnable task);
}
