package io.popbridge.imap;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Set;

/**
 * One authenticated-to-be connection to an IMAP server.
 *
 * <p>Threading: create with {@link #connect} on the event loop that owns the POP3 client channel;
 * every method must then be called on that loop and every future completes on it.
 * Commands may be issued without waiting for earlier ones (they are pipelined and matched by
 * tag), except that a command with a synchronizing literal holds back later ones until the server's
 * continuation arrives.
 *
 * <p>Failure: futures fail with {@link ImapException} subclasses. A protocol error, timeout or
 * BYE fails every pending command and closes the connection.
 */
public final class ImapClient {

    /**
     * Connects, establishes TLS as the endpoint requires, reads the greeting and makes sure the
     * capabilities are known (from the greeting's CAPABILITY code or a CAPABILITY command,
     * repeated after STARTTLS). Completes on {@code loop}.
     */
    public static Future<ImapClient> connect(EventLoop loop, UpstreamEndpoint endpoint, ImapClientOptions options) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Capabilities as last reported, upper case (e.g. "UIDPLUS", "MOVE", "LITERAL+"). */
    public Set<String> capabilities() {
        throw new UnsupportedOperationException("TODO");
    }

    public boolean hasCapability(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * LOGIN with the raw octets of user and password, each sent as a quoted string when it is
     * safe 7-bit text, otherwise as a literal. Fails with {@link IllegalArgumentException} (before
     * anything is sent) if either contains CR, LF or NUL. Refreshes capabilities if the tagged OK
     * carries them.
     */
    public Future<Void> login(byte[] user, byte[] password) {
        throw new UnsupportedOperationException("TODO");
    }

    /** SELECT (or EXAMINE when {@code readOnly}) the mailbox (name in UTF-16, sent as modified UTF-7). */
    public Future<SelectedMailbox> select(String mailbox, boolean readOnly) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * {@code UID FETCH <uidSet> (<items>)} for non-body items (e.g. "UID", "RFC822.SIZE",
     * "FLAGS"); returns the FETCH responses received while the command ran.
     *
     * @param uidSet a sequence set of UIDs such as "1:*" or "4,7:9" (validated)
     * @param items fetch attribute names (validated as atoms)
     */
    public Future<List<FetchedMessage>> uidFetch(String uidSet, List<String> items) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * {@code UID FETCH <uid> (UID <bodyItem>)} streaming the body literal to {@code listener}, e.g.
     * bodyItem "BODY.PEEK[]", "BODY.PEEK[HEADER]" or "BODY.PEEK[TEXT]<0.4096>". The future
     * succeeds with the number of body literals delivered (0 when the UID no longer exists).
     */
    public Future<Integer> uidFetchBody(long uid, String bodyItem, FetchBodyListener listener) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code UID STORE <uidSet> <op> (<flags>)}, op one of +FLAGS, -FLAGS, FLAGS (optionally .SILENT). */
    public Future<Void> uidStore(String uidSet, String op, List<String> flags) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code UID EXPUNGE <uidSet>} (UIDPLUS); fails without sending if the capability is absent. */
    public Future<Void> uidExpunge(String uidSet) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code UID MOVE <uidSet> <mailbox>} (MOVE); fails without sending if the capability is absent. */
    public Future<Void> uidMove(String uidSet, String mailbox) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code UID COPY <uidSet> <mailbox>}. */
    public Future<Void> uidCopy(String uidSet, String mailbox) {
        throw new UnsupportedOperationException("TODO");
    }

    public Future<Void> noop() {
        throw new UnsupportedOperationException("TODO");
    }

    /** LOGOUT, then closes the connection (also when the server does not answer in time). */
    public Future<Void> logout() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Pauses (false) or resumes (true) reading from the server, for backpressure. */
    public void setAutoRead(boolean autoRead) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Closes the connection at once, failing pending commands. Idempotent. */
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Completes when the connection has closed, for whatever reason. */
    public Future<Void> closeFuture() {
        throw new UnsupportedOperationException("TODO");
    }
}
