package io.popbridge.bridge;

import io.popbridge.imap.FetchedMessage;
import io.popbridge.mapping.PackedLongs;
import io.popbridge.pop3.MessageList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * The POP3 view of a mailbox taken at login: messages that are neither {@code \Deleted} nor hidden,
 * numbered 1..n in UID order.
 *
 * <p>Compact, since an idle session holds it for its whole life: UIDs and sizes as
 * {@link PackedLongs} (1 to 4 bytes each for usual values), and no UIDL per message. A UIDL that is
 * {@link Uidl#of Uidl.of(uidValidity, uid)} (all of them without the mapping store, and every
 * message the store numbered itself under the current UIDVALIDITY) is produced when it is asked
 * for; only the others (imported UIDLs, re-matches after a UIDVALIDITY change, suffixed ones) are
 * kept, by position. Immutable.
 */
final class Snapshot implements MessageList {

    static final Snapshot EMPTY = new Snapshot(0, PackedLongs.EMPTY, PackedLongs.EMPTY, new int[0], new String[0]);

    private final long uidValidity;
    private final PackedLongs uids;
    private final PackedLongs sizes;
    /** Ascending 0-based positions of the messages whose UIDL is not derived, and those UIDLs. */
    private final int[] foreignAt;
    private final String[] foreign;

    private Snapshot(long uidValidity, PackedLongs uids, PackedLongs sizes, int[] foreignAt, String[] foreign) {
        this.uidValidity = uidValidity;
        this.uids = uids;
        this.sizes = sizes;
        this.foreignAt = foreignAt;
        this.foreign = foreign;
    }

    static Snapshot of(List<FetchedMessage> listing, long uidValidity, String hideKeyword) {
        return of(listing, uidValidity, hideKeyword, (uid, size) -> size);
    }

    /** Sizes of messages whose true size is known are taken from {@code sizes}. */
    interface SizeSource {
        long size(long uid, long reported);
    }

    /** The view without the store: every UIDL is {@link Uidl#of Uidl.of(uidValidity, uid)}. */
    static Snapshot of(List<FetchedMessage> listing, long uidValidity, String hideKeyword, SizeSource sizes) {
        return of(listing, uidValidity, hideKeyword, null, uidl -> false, sizes, m -> true, 0);
    }

    /**
     * The view with UIDLs from {@code uidls}; messages whose UIDL {@code hidden} accepts are left
     * out, and so are those with {@code hideKeyword} unless it is null (a view whose hidden set
     * lives in the store). A message without a UIDL is left out too (never listed without one).
     * {@code uidValidity} only decides which UIDLs need to be kept (those {@code uidls} gives
     * differently from {@link Uidl#of}); the UIDLs given out are always those of {@code uidls}.
     */
    static Snapshot of(List<FetchedMessage> listing, long uidValidity, String hideKeyword, LongFunction<String> uidls,
            Predicate<String> hidden, SizeSource sizes) {
        return of(listing, uidValidity, hideKeyword, uidls, hidden, sizes, m -> true, 0);
    }

    /**
     * As above, keeping only messages {@code inWindow} accepts and, if {@code newest} is not 0,
     * only the {@code newest} highest UIDs of what remains. A null {@code uidls} means every UIDL
     * is derived (nothing is looked up and {@code hidden} is asked nothing).
     */
    static Snapshot of(List<FetchedMessage> listing, long uidValidity, String hideKeyword, LongFunction<String> uidls,
            Predicate<String> hidden, SizeSource sizes, Predicate<FetchedMessage> inWindow, int newest) {
        List<FetchedMessage> visible = new ArrayList<>(listing.size());
        for (FetchedMessage m : listing) {
            if (m.uid() > 0 && m.rfc822Size() >= 0 && !ImapMailboxProvider.hasFlag(m, "\\Deleted")
                    && (hideKeyword == null || !ImapMailboxProvider.hasFlag(m, hideKeyword))
                    && (uidls == null || uidls.apply(m.uid()) != null && !hidden.test(uidls.apply(m.uid())))
                    && inWindow.test(m)) {
                visible.add(m);
            }
        }
        visible.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        if (newest > 0) {
            List<FetchedMessage> distinct = new ArrayList<>(visible.size());
            for (FetchedMessage m : visible) {
                if (distinct.isEmpty() || distinct.get(distinct.size() - 1).uid() != m.uid()) {
                    distinct.add(m);
                }
            }
            visible = distinct.size() > newest ? distinct.subList(distinct.size() - newest, distinct.size()) : distinct;
        }
        long[] uids = new long[visible.size()];
        long[] sizeOf = new long[visible.size()];
        int[] foreignAt = new int[0];
        List<String> foreign = new ArrayList<>(0);
        int n = 0;
        for (FetchedMessage m : visible) {
            if (n > 0 && uids[n - 1] == m.uid()) {
                continue; // a server that reports one message twice (flag update in between)
            }
            String uidl = uidls == null ? null : uidls.apply(m.uid());
            if (uidl != null && !Uidl.isDerived(uidl, uidValidity, m.uid())) {
                if (foreign.size() == foreignAt.length) {
                    foreignAt = Arrays.copyOf(foreignAt, Math.max(4, foreignAt.length * 2));
                }
                foreignAt[foreign.size()] = n;
                foreign.add(uidl);
            }
            uids[n] = m.uid();
            sizeOf[n++] = sizes.size(m.uid(), m.rfc822Size());
        }
        if (n == 0) {
            return EMPTY;
        }
        return new Snapshot(uidValidity, PackedLongs.of(uids, n), PackedLongs.of(sizeOf, n),
                Arrays.copyOf(foreignAt, foreign.size()), foreign.toArray(new String[0]));
    }

    @Override
    public int count() {
        return uids.length();
    }

    @Override
    public long size(int number) {
        return sizes.get(number - 1);
    }

    @Override
    public String uidl(int number) {
        long uid = uids.get(number - 1);
        int at = Arrays.binarySearch(foreignAt, number - 1);
        return at >= 0 ? foreign[at] : Uidl.of(uidValidity, uid);
    }

    /** UID of POP3 message {@code number} (1-based). */
    long uid(int number) {
        return uids.get(number - 1);
    }

    /** How many UIDLs are kept rather than derived (for tests and the docs' numbers). */
    int keptUidls() {
        return foreign.length;
    }
}
