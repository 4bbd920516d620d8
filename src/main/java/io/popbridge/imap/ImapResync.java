package io.popbridge.imap;

import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Set;

/**
 * The commands that keep a cached listing in step with the server cheaply: ENABLE (RFC 5161),
 * CONDSTORE and QRESYNC (RFC 7162), and UID SEARCH (with ESEARCH results, RFC 4731, where
 * offered). Obtained from {@link ImapClient#resync()}; same threading and failure rules as
 * {@link ImapClient}. A method whose extension the server does not advertise fails with
 * {@link UnsupportedOperationException} and sends nothing.
 */
public final class ImapResync {

    /** Longest known-UIDs set sent with SELECT (QRESYNC ...); longer ones are left out. */
    static final int MAX_KNOWN_UIDS_LENGTH = 2000;

    private final ImapClient client;
    private final ImapConnection connection;

    ImapResync(ImapClient client, ImapConnection connection) {
        this.client = client;
        this.connection = connection;
    }

    public boolean hasCondStore() {
        return client.hasCapability("CONDSTORE") || client.hasCapability("QRESYNC");
    }

    /**
     * The most UIDs a search answer may hold and still fit the longest response line this client
     * accepts (11 octets per UID: ten digits and a separator). Searches over more messages must be
     * split by UID range, or the answer fails the connection.
     */
    public int maxSearchResults() {
        return Math.max(1, (connection.options().maxLineLength() - 64) / 11);
    }

    public boolean hasQresync() {
        return client.hasCapability("QRESYNC") && client.hasCapability("ENABLE");
    }

    /**
     * {@code ENABLE <extensions>}; succeeds with those the server reported enabled (upper case).
     * Enabling QRESYNC also enables CONDSTORE, and makes the server report expunges as VANISHED.
     * An extension stays enabled for the connection's lifetime (RFC 5161), so when every one asked
     * for was already reported enabled on this connection (a reused session), nothing is sent.
     */
    public Future<Set<String>> enable(List<String> extensions) {
        if (!client.hasCapability("ENABLE")) {
            return failed("server lacks ENABLE; nothing sent");
        }
        Set<String> wanted = new java.util.HashSet<>();
        extensions.forEach(x -> wanted.add(x.toUpperCase(java.util.Locale.ROOT)));
        if (!wanted.isEmpty() && connection.enabled().containsAll(wanted)) {
            return connection.channel().eventLoop().newSucceededFuture(Set.copyOf(wanted));
        }
        Future<Set<String>> sent = connection.submit("ENABLE", e -> extensions.forEach(e::atom),
                new ModSeqCommands.Enable(promise()));
        sent.addListener(f -> {
            if (f.isSuccess()) {
                @SuppressWarnings("unchecked")
                Set<String> now = (Set<String>) f.getNow();
                connection.enabled().addAll(now);
            }
        });
        return sent;
    }

    /** {@code SELECT mailbox (CONDSTORE)} (or EXAMINE): the answer includes HIGHESTMODSEQ or NOMODSEQ. */
    public Future<SelectedMailbox> selectCondStore(String mailbox, boolean readOnly) {
        if (!hasCondStore()) {
            return failed("server lacks CONDSTORE; nothing sent");
        }
        return connection.submit(readOnly ? "EXAMINE" : "SELECT", e -> e.mailbox(mailbox).parenthesized("(CONDSTORE)"),
                new Commands.Select(promise()));
    }

    /**
     * {@code SELECT mailbox (QRESYNC (uidValidity modSeq [knownUids]))} (or EXAMINE); QRESYNC must
     * have been enabled. The result carries what changed since {@code modSeq}: FETCHes (with UID,
     * FLAGS, MODSEQ) and {@code VANISHED (EARLIER)} UIDs. {@code knownUids} (may be null or empty)
     * lets the server limit the VANISHED report; it is left out when longer than
     * {@value #MAX_KNOWN_UIDS_LENGTH} characters.
     */
    public Future<Resync> selectQresync(String mailbox, boolean readOnly, long uidValidity, long modSeq,
            UidSet knownUids) {
        if (!hasQresync()) {
            return failed("server lacks QRESYNC; nothing sent");
        }
        if (uidValidity <= 0 || modSeq <= 0) {
            return connection.channel().eventLoop().newFailedFuture(
                    new IllegalArgumentException("QRESYNC needs a UIDVALIDITY and a mod-sequence"));
        }
        String known = knownUids == null ? "" : knownUids.toString();
        String params = "(QRESYNC (" + uidValidity + " " + modSeq
                + (known.isEmpty() || known.length() > MAX_KNOWN_UIDS_LENGTH ? "" : " " + known) + "))";
        return connection.submit(readOnly ? "EXAMINE" : "SELECT", e -> e.mailbox(mailbox).parenthesized(params),
                new ModSeqCommands.ResyncSelect(promise()));
    }

    /**
     * {@code UID FETCH <uidSet> (<items>) (CHANGEDSINCE modSeq [VANISHED])}: the messages of the set
     * whose mod-sequence is above {@code modSeq}, and with {@code vanished} (QRESYNC enabled) the
     * UIDs of the set expunged since then.
     */
    public Future<Changes> uidFetchChangedSince(String uidSet, List<String> items, long modSeq, boolean vanished) {
        if (!hasCondStore() || vanished && !hasQresync()) {
            return failed("server lacks " + (vanished ? "QRESYNC" : "CONDSTORE") + "; nothing sent");
        }
        if (modSeq < 0) {
            return connection.channel().eventLoop().newFailedFuture(new IllegalArgumentException("negative mod-sequence"));
        }
        String params = "(CHANGEDSINCE " + modSeq + (vanished ? " VANISHED)" : ")");
        return connection.submit("UID FETCH", e -> e.sequenceSet(uidSet).fetchItems(items).parenthesized(params),
                new ModSeqCommands.ChangedFetch(promise()));
    }

    /**
     * {@code UID SEARCH <keys>}, e.g. {@code ["ALL"]}, {@code ["DELETED"]},
     * {@code ["KEYWORD", "$POP3Deleted"]}, {@code ["UID", "100:*"]}. Where the server offers
     * ESEARCH, sent as {@code UID SEARCH RETURN (ALL) ...} so that the answer is a compact set
     * instead of one number per message. Keys are validated as atoms or sequence sets. Without
     * ESEARCH, do not pipeline two searches: a plain SEARCH answer names no command.
     */
    public Future<UidSet> uidSearch(List<String> keys) {
        if (keys.isEmpty()) {
            return connection.channel().eventLoop().newFailedFuture(new IllegalArgumentException("no search keys"));
        }
        boolean esearch = client.hasCapability("ESEARCH");
        return connection.submit("UID SEARCH", e -> {
            if (esearch) {
                e.atom("RETURN").parenthesized("(ALL)");
            }
            keys.forEach(e::searchKey);
        }, new ModSeqCommands.Search(promise()));
    }

    private <T> io.netty.util.concurrent.Promise<T> promise() {
        return connection.channel().eventLoop().newPromise();
    }

    private <T> Future<T> failed(String why) {
        return connection.channel().eventLoop().newFailedFuture(new UnsupportedOperationException(why));
    }
}
