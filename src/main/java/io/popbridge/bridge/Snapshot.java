package io.popbridge.bridge;

import io.popbridge.imap.FetchedMessage;
import io.popbridge.pop3.MessageEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The POP3 view of a mailbox taken at login: messages that are neither {@code \Deleted} nor hidden,
 * numbered 1..n in UID order.
 */
final class Snapshot {

    static final Snapshot EMPTY = new Snapshot(new long[0], List.of());

    private final long[] uids;
    private final List<MessageEntry> entries;

    private Snapshot(long[] uids, List<MessageEntry> entries) {
        this.uids = uids;
        this.entries = entries;
    }

    static Snapshot of(List<FetchedMessage> listing, long uidValidity, String hideKeyword) {
        return of(listing, uidValidity, hideKeyword, (uid, size) -> size);
    }

    /** Sizes of messages whose true size is known are taken from {@code sizes}. */
    interface SizeSource {
        long size(long uid, long reported);
    }

    static Snapshot of(List<FetchedMessage> listing, long uidValidity, String hideKeyword, SizeSource sizes) {
        return of(listing, hideKeyword, uid -> Uidl.of(uidValidity, uid), uidl -> false, sizes, m -> true, 0);
    }

    /**
     * The view with UIDLs from {@code uidls}; messages whose UIDL {@code hidden} accepts are left
     * out, and so are those with {@code hideKeyword} unless it is null (a view whose hidden set
     * lives in the store). A message without a UIDL is left out too (never listed without one).
     */
    static Snapshot of(List<FetchedMessage> listing, String hideKeyword, java.util.function.LongFunction<String> uidls,
            java.util.function.Predicate<String> hidden, SizeSource sizes) {
        return of(listing, hideKeyword, uidls, hidden, sizes, m -> true, 0);
    }

    /**
     * As above, keeping only messages {@code inWindow} accepts and, if {@code newest} is not 0,
     * only the {@code newest} highest UIDs of what remains.
     */
    static Snapshot of(List<FetchedMessage> listing, String hideKeyword, java.util.function.LongFunction<String> uidls,
            java.util.function.Predicate<String> hidden, SizeSource sizes,
            java.util.function.Predicate<FetchedMessage> inWindow, int newest) {
        List<FetchedMessage> visible = new ArrayList<>(listing.size());
        for (FetchedMessage m : listing) {
            if (m.uid() > 0 && m.rfc822Size() >= 0 && !ImapMailboxProvider.hasFlag(m, "\\Deleted")
                    && (hideKeyword == null || !ImapMailboxProvider.hasFlag(m, hideKeyword))
                    && uidls.apply(m.uid()) != null && !hidden.test(uidls.apply(m.uid())) && inWindow.test(m)) {
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
        List<MessageEntry> entries = new ArrayList<>(visible.size());
        int n = 0;
        for (FetchedMessage m : visible) {
            if (n > 0 && uids[n - 1] == m.uid()) {
                continue; // a server that reports one message twice (flag update in between)
            }
            uids[n++] = m.uid();
            entries.add(new MessageEntry(sizes.size(m.uid(), m.rfc822Size()), uidls.apply(m.uid())));
        }
        return new Snapshot(Arrays.copyOf(uids, n), Collections.unmodifiableList(entries));
    }

    List<MessageEntry> entries() {
        return entries;
    }

    /** UID of POP3 message {@code number} (1-based). */
    long uid(int number) {
        return uids[number - 1];
    }
}
