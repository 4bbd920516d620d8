package io.popbridge.bridge;

import io.popbridge.imap.FetchedMessage;
import io.popbridge.imap.UidSet;
import io.popbridge.mapping.Listing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Applies what the server reported to a copy of the cached listing and records the delta. Not
 * thread-safe; used by one {@link ListingSync} on its event loop.
 */
final class ListingMerge {

    private final Listing.Builder builder;
    private final long lastUid;
    private final String hideKeyword;
    private final TreeSet<Long> added = new TreeSet<>();
    private final TreeSet<Long> vanished = new TreeSet<>();
    private final TreeSet<Long> flagsChanged = new TreeSet<>();

    /** @param base the cached listing, or null for a full listing */
    ListingMerge(Listing base, long uidValidity, String hideKeyword) {
        this.builder = base == null ? new Listing.Builder(uidValidity, hideKeyword) : base.toBuilder();
        this.lastUid = base == null ? 0 : base.lastUid();
        this.hideKeyword = hideKeyword == null ? "" : hideKeyword;
    }

    /** The highest UID of the cached listing: messages above it are new. */
    long lastUid() {
        return lastUid;
    }

    Listing.Builder builder() {
        return builder;
    }

    int flagBits(FetchedMessage m) {
        int bits = 0;
        for (String f : m.flags()) {
            String lower = f.toLowerCase(Locale.ROOT);
            if (lower.equals("\\deleted")) {
                bits |= Listing.DELETED;
            } else if (!hideKeyword.isEmpty() && lower.equals(hideKeyword.toLowerCase(Locale.ROOT))) {
                bits |= Listing.HIDDEN;
            }
        }
        return bits;
    }

    /**
     * FETCH responses: a message with a size above the cached last UID is added; a known message
     * takes the new flags (a FETCH without RFC822.SIZE is a flag change, with or without MODSEQ).
     * Anything else (a FETCH of an unknown old message without its size) is left to the count
     * check, which then lists what is missing.
     */
    void fetched(List<FetchedMessage> messages) {
        for (FetchedMessage m : messages) {
            int bits = flagBits(m);
            if (builder.contains(m.uid())) {
                int before = builder.flags(m.uid());
                if (before != bits) {
                    builder.setFlags(m.uid(), bits);
                    if (!added.contains(m.uid())) {
                        flagsChanged.add(m.uid());
                    }
                }
            } else if (m.rfc822Size() >= 0 && m.uid() > 0) {
                builder.put(m.uid(), m.rfc822Size(), bits, null,
                        m.internalDate() == null ? 0 : m.internalDate().getEpochSecond());
                added.add(m.uid());
            }
        }
    }

    /** Removes the reported UIDs that the listing holds (a VANISHED report may name others too). */
    void vanished(UidSet uids) {
        if (uids.isEmpty()) {
            return;
        }
        for (long uid : builder.uids()) {
            if (uids.contains(uid) && builder.remove(uid)) {
                gone(uid);
            }
        }
    }

    /** Keeps only the UIDs in {@code present}; returns those present but not listed. */
    long[] keepOnly(UidSet present) {
        for (long uid : builder.uids()) {
            if (!present.contains(uid)) {
                builder.remove(uid);
                gone(uid);
            }
        }
        List<Long> missing = new ArrayList<>();
        for (long uid : present.toArray(ListingSync.MAX_MESSAGES)) {
            if (!builder.contains(uid)) {
                missing.add(uid);
            }
        }
        return missing.stream().mapToLong(Long::longValue).toArray();
    }

    void removeAll() {
        for (long uid : builder.uids()) {
            builder.remove(uid);
            gone(uid);
        }
    }

    private void gone(long uid) {
        if (!added.remove(uid)) {
            vanished.add(uid);
        }
        flagsChanged.remove(uid);
    }

    /** Sets every message's flag bits from the UIDs found to carry {@code \Deleted} and the hide keyword. */
    void flagsFromSearch(UidSet deleted, UidSet hidden) {
        for (long uid : builder.uids()) {
            int bits = (deleted.contains(uid) ? Listing.DELETED : 0) | (hidden.contains(uid) ? Listing.HIDDEN : 0);
            if (builder.flags(uid) != bits) {
                builder.setFlags(uid, bits);
                if (!added.contains(uid)) {
                    flagsChanged.add(uid);
                }
            }
        }
    }

    ListingSync.Delta delta(ListingSync.Mode mode, boolean full) {
        return new ListingSync.Delta(mode, full, toArray(added), toArray(vanished), toArray(flagsChanged));
    }

    private static long[] toArray(TreeSet<Long> set) {
        return set.stream().mapToLong(Long::longValue).toArray();
    }
}
