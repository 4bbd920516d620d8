package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.Changes;
import io.popbridge.imap.FetchedMessage;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.ImapException;
import io.popbridge.imap.ImapResync;
import io.popbridge.imap.Resync;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.imap.UidSet;
import io.popbridge.mapping.Listing;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selects a mailbox and brings a cached {@link Listing} up to date with the cheapest means the
 * server offers, so that a login to an unchanged mailbox does not fetch the whole listing:
 *
 * <ul>
 *   <li><b>QRESYNC</b> (RFC 7162): {@code ENABLE QRESYNC}, then
 *       {@code SELECT mailbox (QRESYNC (uidvalidity modseq known-uids))}; the server reports the
 *       expunged UIDs ({@code VANISHED (EARLIER)}) and the changed messages' flags in the SELECT
 *       answer itself. New messages' sizes: {@code UID FETCH last+1:*} only when UIDNEXT moved.
 *   <li><b>CONDSTORE</b>: {@code SELECT mailbox (CONDSTORE)}; when HIGHESTMODSEQ moved,
 *       {@code UID FETCH 1:last (UID FLAGS) (CHANGEDSINCE modseq)}; new messages as above; when
 *       EXISTS differs from the count so reached, one {@code UID SEARCH ALL} finds the expunged.
 *   <li><b>plain</b>: SELECT; new messages as above; the EXISTS check as above; the two flags
 *       the view depends on by {@code UID SEARCH DELETED} and {@code UID SEARCH KEYWORD <hide>}
 *       (ESEARCH ranges where offered).
 * </ul>
 *
 * No cache, another UIDVALIDITY, another hide keyword or NOMODSEQ after a mod-sequence cache:
 * one full {@code UID FETCH 1:* (UID RFC822.SIZE FLAGS INTERNALDATE)}. UIDLs recorded in the
 * cached listing are kept for the messages that remain. INTERNALDATE is fetched with the size of
 * every new or listed message (it never changes), so date windows need no extra command.
 *
 * <p>Threading: call on the client's event loop; the future completes there. Failure: the
 * future fails with the client's {@link io.popbridge.imap.ImapException} (the client is left
 * as it is; the caller closes it).
 */
public final class ListingSync {
    private static final Logger log = LoggerFactory.getLogger(ListingSync.class);

    /** Most messages a UID SEARCH answer may expand to. */
    static final int MAX_MESSAGES = 10_000_000;
    static final List<String> LISTING_ITEMS = List.of("UID", "RFC822.SIZE", "FLAGS", "INTERNALDATE");
    static final List<String> FLAG_ITEMS = List.of("UID", "FLAGS");

    /** How the listing was brought up to date. */
    public enum Mode {
        QRESYNC, CONDSTORE, PLAIN
    }

    /**
     * What changed against the cached listing.
     *
     * @param full whether the whole listing was fetched (no usable cache)
     * @param added UIDs not in the cached listing, ascending (all of them when {@code full})
     * @param vanished cached UIDs that are gone
     * @param flagsChanged cached UIDs whose {@code \Deleted} or hide bit changed
     */
    public record Delta(Mode mode, boolean full, long[] added, long[] vanished, long[] flagsChanged) {
        public boolean unchanged() {
            return !full && added.length == 0 && vanished.length == 0 && flagsChanged.length == 0;
        }
    }

    /** The selected mailbox, its current listing and the delta to the cached one. */
    public record Result(SelectedMailbox selected, Listing listing, Delta delta) {
    }

    private final ImapClient client;
    private final ImapResync resync;
    private final EventLoop loop;
    private final String mailbox;
    private final boolean readOnly;
    private final String hideKeyword;
    private final Listing cached;
    private final Promise<Result> result;
    private Mode mode = Mode.PLAIN;

    private ListingSync(ImapClient client, EventLoop loop, String mailbox, boolean readOnly, String hideKeyword,
            Listing cached) {
        this.client = client;
        this.resync = client.resync();
        this.loop = loop;
        this.mailbox = mailbox;
        this.readOnly = readOnly;
        this.hideKeyword = hideKeyword == null ? "" : hideKeyword;
        this.cached = cached != null && cached.hideKeyword().equals(this.hideKeyword) ? cached : null;
        this.result = loop.newPromise();
    }

    /**
     * Selects {@code mailbox} (EXAMINE when {@code readOnly}) on a logged-in client and returns
     * its up-to-date listing.
     *
     * @param hideKeyword the keyword that hides a message from the POP3 view, or null/"" for none
     * @param cached the listing saved after the last login, or null
     */
    public static Future<Result> sync(ImapClient client, EventLoop loop, String mailbox, boolean readOnly,
            String hideKeyword, Listing cached) {
        ListingSync sync = new ListingSync(client, loop, mailbox, readOnly, hideKeyword, cached);
        try {
            sync.start();
        } catch (RuntimeException e) {
            sync.result.tryFailure(e);
        }
        return sync.result;
    }

    private void start() {
        if (resync.hasQresync()) {
            mode = Mode.QRESYNC;
            on(resync.enable(List.of("QRESYNC")), enabled -> {
                if (enabled.contains("QRESYNC")) {
                    qresync();
                } else {
                    mode = Mode.CONDSTORE;
                    condStore();
                }
            });
        } else if (resync.hasCondStore()) {
            mode = Mode.CONDSTORE;
            condStore();
        } else {
            on(client.select(mailbox, readOnly), this::plain);
        }
    }

    /**
     * Whether the cached listing can be brought up to date: same UIDVALIDITY and, for a
     * mod-sequence delta, mod-sequences on both sides that did not go backwards (a server that
     * lost them is listed afresh rather than trusted).
     */
    private boolean usable(SelectedMailbox sel, boolean needModSeq) {
        return cached != null && sel.uidValidity() > 0 && sel.uidValidity() == cached.uidValidity()
                && (!needModSeq || sel.hasModSeq() && cached.highestModSeq() > 0
                        && sel.highestModSeq() >= cached.highestModSeq());
    }

    private void qresync() {
        if (cached == null || cached.highestModSeq() == 0) {
            on(resync.selectCondStore(mailbox, readOnly), this::full);
            return;
        }
        Future<Resync> selected = resync.selectQresync(mailbox, readOnly, cached.uidValidity(),
                cached.highestModSeq(), UidSet.of(cached.uids()));
        selected.addListener(f -> {
            if (f.cause() instanceof ImapException.Rejected rejected) {
                // a server that advertises QRESYNC but refuses its parameters still gets a listing
                log.info("SELECT with QRESYNC parameters refused ({}); listing in full", rejected.getMessage());
                on(resync.selectCondStore(mailbox, readOnly), this::full);
            } else if (!f.isSuccess()) {
                result.tryFailure(f.cause());
            } else {
                try {
                    resynced(selected.getNow());
                } catch (RuntimeException e) {
                    result.tryFailure(e);
                }
            }
        });
    }

    private void resynced(Resync r) {
        SelectedMailbox sel = r.selected();
        if (!usable(sel, true)) {
            full(sel);
            return;
        }
        Changes reported = r.changes();
        if (reported.vanished().isEmpty() && reported.changed().isEmpty() && unchanged(sel)) {
            unchangedResult(sel);
            return;
        }
        ListingMerge merge = new ListingMerge(cached, sel.uidValidity(), hideKeyword);
        Changes changes = r.changes();
        merge.vanished(changes.vanished());
        merge.fetched(changes.changed());
        newMessages(sel, merge, () -> reconcile(sel, merge, () -> finish(sel, merge, false)));
    }

    private void condStore() {
        on(resync.selectCondStore(mailbox, readOnly), sel -> {
            if (!usable(sel, true)) {
                full(sel);
                return;
            }
            if (unchanged(sel)) {
                unchangedResult(sel);
                return;
            }
            ListingMerge merge = new ListingMerge(cached, sel.uidValidity(), hideKeyword);
            Runnable rest = () -> newMessages(sel, merge, () -> reconcile(sel, merge, () -> finish(sel, merge, false)));
            if (sel.highestModSeq() == cached.highestModSeq() || cached.size() == 0) {
                rest.run();
                return;
            }
            on(resync.uidFetchChangedSince("1:" + cached.lastUid(), FLAG_ITEMS, cached.highestModSeq(), false),
                    changes -> {
                        merge.vanished(changes.vanished());
                        merge.fetched(changes.changed());
                        rest.run();
                    });
        });
    }

    private void plain(SelectedMailbox sel) {
        if (!usable(sel, false)) {
            full(sel);
            return;
        }
        ListingMerge merge = new ListingMerge(cached, sel.uidValidity(), hideKeyword);
        newMessages(sel, merge, () -> reconcile(sel, merge, () -> {
            long[] uids = merge.builder().uids();
            search(uids, List.of("DELETED"), deleted -> {
                if (hideKeyword.isEmpty()) {
                    merge.flagsFromSearch(deleted, UidSet.EMPTY);
                    finish(sel, merge, false);
                    return;
                }
                search(uids, List.of("KEYWORD", hideKeyword), hidden -> {
                    merge.flagsFromSearch(deleted, hidden);
                    finish(sel, merge, false);
                });
            });
        }));
    }

    /**
     * {@code UID SEARCH UID lo:hi <key>} over the listed UIDs, in UID ranges that each hold at most
     * as many listed messages as one answer line may carry; pipelined with ESEARCH, else one after
     * the other (a plain SEARCH answer names no command). UIDs outside the listing are never asked about: a message above
     * the listing arrived after it and shows in the next login.
     */
    private void search(long[] uids, List<String> key, Consumer<UidSet> then) {
        int per = resync.maxSearchResults();
        List<String> ranges = new java.util.ArrayList<>();
        for (int i = 0; i < uids.length; i += per) {
            ranges.add((i == 0 ? 1 : uids[i]) + ":" + uids[Math.min(uids.length, i + per) - 1]);
        }
        if (!client.hasCapability("ESEARCH")) {
            searchRanges(ranges, 0, key, UidSet.EMPTY, then);
            return;
        }
        // ESEARCH answers carry their command's tag: all ranges go out at once
        UidSet[] found = {UidSet.EMPTY};
        int[] pending = {ranges.size()};
        if (ranges.isEmpty()) {
            then.accept(UidSet.EMPTY);
        }
        for (String range : ranges) {
            List<String> keys = new java.util.ArrayList<>(List.of("UID", range));
            keys.addAll(key);
            on(resync.uidSearch(keys), more -> {
                found[0] = found[0].union(more);
                if (--pending[0] == 0) {
                    then.accept(found[0]);
                }
            });
        }
    }

    private void searchRanges(List<String> ranges, int index, List<String> key, UidSet found, Consumer<UidSet> then) {
        if (index == ranges.size()) {
            then.accept(found);
            return;
        }
        List<String> keys = new java.util.ArrayList<>(List.of("UID", ranges.get(index)));
        keys.addAll(key);
        on(resync.uidSearch(keys), more -> searchRanges(ranges, index + 1, key, found.union(more), then));
    }

    /** Sizes and flags of messages above the cached last UID, fetched only when there can be any. */
    private void newMessages(SelectedMailbox sel, ListingMerge merge, Runnable next) {
        boolean none = sel.exists() == 0
                || sel.uidNext() > 0 && cached.uidNext() > 0 && sel.uidNext() <= cached.uidNext();
        if (none) {
            next.run();
            return;
        }
        // "last+1:*" also answers with the last message when there is nothing newer
        on(client.uidFetch((merge.lastUid() + 1) + ":*", LISTING_ITEMS), fetched -> {
            merge.fetched(fetched);
            next.run();
        });
    }

    /**
     * EXISTS against the count reached: equal means nothing else vanished (every change that could
     * hide an expunge, a new message, also changes the count we compare). Otherwise one UID SEARCH
     * ALL (over the listed UIDs, split as {@link #search} does) says which of them still exist.
     */
    private void reconcile(SelectedMailbox sel, ListingMerge merge, Runnable next) {
        if (sel.exists() == merge.builder().size()) {
            next.run();
            return;
        }
        if (sel.exists() == 0) {
            merge.removeAll();
            next.run();
            return;
        }
        search(merge.builder().uids(), List.of("ALL"), present -> {
            long[] missing = merge.keepOnly(present);
            if (missing.length == 0) {
                next.run();
                return;
            }
            fetchMissing(merge, UidSets.of(missing), 0, next);
        });
    }

    private void fetchMissing(ListingMerge merge, List<String> sets, int index, Runnable next) {
        if (index == sets.size()) {
            next.run();
            return;
        }
        on(client.uidFetch(sets.get(index), LISTING_ITEMS), fetched -> {
            merge.fetched(fetched);
            fetchMissing(merge, sets, index + 1, next);
        });
    }

    private void full(SelectedMailbox sel) {
        ListingMerge merge = new ListingMerge(null, sel.uidValidity(), hideKeyword);
        if (sel.exists() == 0) {
            finish(sel, merge, true);
            return;
        }
        on(client.uidFetch("1:*", LISTING_ITEMS), fetched -> {
            merge.fetched(fetched);
            if (cached != null && cached.uidValidity() == sel.uidValidity()) {
                for (int i = 0; i < cached.size(); i++) {
                    long uid = cached.uid(i);
                    int bits = merge.builder().flags(uid);
                    if (bits >= 0 && cached.uidl(i) != null) {
                        merge.builder().put(uid, cached.messageSize(i), bits, cached.uidl(i),
                                merge.builder().internalDate(uid));
                    }
                }
            }
            finish(sel, merge, true);
        });
    }

    /**
     * Whether the mailbox is exactly as cached, by a usable cached listing's mod-sequence: every
     * append, expunge or flag change raises HIGHESTMODSEQ (RFC 7162), and UIDNEXT and the count
     * must agree too. Only then is the cached listing the answer as it is, with no copy or merge.
     */
    private boolean unchanged(SelectedMailbox sel) {
        return sel.hasModSeq() && sel.highestModSeq() == cached.highestModSeq() && sel.uidNext() > 0
                && sel.uidNext() == cached.uidNext() && sel.exists() == cached.size();
    }

    private void unchangedResult(SelectedMailbox sel) {
        long[] none = new long[0];
        result.trySuccess(new Result(sel, cached, new Delta(mode, false, none, none, none)));
    }

    private void finish(SelectedMailbox sel, ListingMerge merge, boolean full) {
        merge.builder().highestModSeq(sel.hasModSeq() && mode != Mode.PLAIN ? sel.highestModSeq() : 0)
                .uidNext(sel.uidNext());
        result.trySuccess(new Result(sel, merge.builder().build(), merge.delta(mode, full)));
    }

    /** Runs {@code then} with the value, or fails the sync; a throwing step fails it too. */
    private <T> void on(Future<T> future, Consumer<T> then) {
        future.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
            }
            try {
                then.accept(future.getNow());
            } catch (RuntimeException e) {
                result.tryFailure(e);
            }
        });
    }

    /**
     * The listing as FETCH results with the flags the POP3 view looks at and the INTERNALDATE (null
     * when unknown), for {@link Snapshot#of} and the window's date filter.
     */
    public static List<FetchedMessage> asFetched(Listing listing) {
        FetchedMessage[] out = new FetchedMessage[listing.size()];
        for (int i = 0; i < listing.size(); i++) {
            int bits = listing.flags(i);
            Set<String> flags = bits == 0 ? Set.of()
                    : bits == Listing.DELETED ? Set.of("\\Deleted")
                    : bits == Listing.HIDDEN ? Set.of(listing.hideKeyword())
                    : Set.of("\\Deleted", listing.hideKeyword());
            long date = listing.internalDate(i);
            out[i] = new FetchedMessage(i + 1, listing.uid(i), listing.messageSize(i), flags,
                    date == 0 ? null : java.time.Instant.ofEpochSecond(date), null, null);
        }
        return List.of(out);
    }
}
