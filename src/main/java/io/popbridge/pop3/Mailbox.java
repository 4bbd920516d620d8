package io.popbridge.pop3;

import io.netty.util.concurrent.Future;
import java.util.SortedSet;

/**
 * One open POP3 mailbox: the snapshot taken at login and the operations on it.
 *
 * <p>Threading: every method is called on the session's event loop and every callback and future
 * completes there. Message numbers are those of {@link #messages()} (1-based); the front end
 * validates them (range, deleted) before calling.
 */
public interface Mailbox {

    /** The snapshot: sizes and UIDLs of messages 1..n. Never changes during the session. */
    MessageList messages();

    /**
     * Streams message {@code number} (RETR). Calls {@link BodySink#begin()}, then
     * {@link BodySink#write} with the raw message octets, then {@link BodySink#end()}; or
     * {@link BodySink#fail} at any point. Must honour {@link BodySink#isWritable()} for backpressure.
     */
    void retrieve(int number, BodySink sink);

    /**
     * Streams the header, the blank line and the first {@code lines} body lines of message
     * {@code number} (TOP), same contract as {@link #retrieve}. Must not download a whole large
     * message to do so.
     */
    void top(int number, long lines, BodySink sink);

    /**
     * Applies the delete policy to the given message numbers (the UPDATE state, after QUIT).
     * The future succeeds only after the upstream confirmed; it fails with a
     * {@link MailboxException}. The mailbox is closed (upstream logged out) afterwards either way.
     */
    Future<Void> commit(SortedSet<Integer> deleted);

    /**
     * Closes the mailbox without applying anything (connection dropped, timeout, shutdown).
     * Idempotent.
     */
    void abandon();
}
