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
     * Hint: the client is retrieving the messages in order and will probably RETR {@code number}
     * next. The mailbox may start fetching it now, so that its upstream round trip overlaps the
     * reply in progress; it then holds at most one such message, of bounded size, and serves the
     * next {@link #retrieve} of {@code number} from it (with the same outcome as a fresh fetch:
     * an upstream failure is reported only then, by fetching again). Any other retrieve or top,
     * {@link #discardPrefetch}, {@link #commit} and {@link #abandon} drop it. Changes no state
     * upstream. Called right after {@link #retrieve} of the message before it.
     */
    default void prefetch(int number) {
    }

    /**
     * Hint: the client is walking the mailbox with TOP in order and will probably send TOP
     * {@code number} next; the same contract as {@link #prefetch}, for the header only. Called
     * right after {@link #top} of the message before it.
     */
    default void prefetchHeader(int number) {
    }

    /** Message {@code number} was marked deleted: a copy of it fetched ahead is dropped. */
    default void discardPrefetch(int number) {
    }

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
