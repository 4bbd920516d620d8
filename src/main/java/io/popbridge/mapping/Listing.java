package io.popbridge.mapping;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * What popbridge keeps of one mailbox's listing between logins: the mailbox state that tells
 * whether anything changed (UIDVALIDITY, HIGHESTMODSEQ, UIDNEXT) and, per message in UID order,
 * its UID, size, the two flags the POP3 view depends on ({@code \Deleted} and the hide keyword)
 * the UIDL given out for it, if the caller recorded one, and its INTERNALDATE in epoch seconds
 * (0 when unknown: such a message passes no date limit of a window).
 *
 * <p>A recorded UIDL in the default format ({@link DerivedUidl#of DerivedUidl.of(uidValidity, uid)},
 * what the store gives every message it numbers itself) is not kept as a string: the listing marks
 * it and {@link #uidl} formats it when asked, so a cached listing costs no UIDL object per message
 * in the usual case. Imported or re-matched UIDLs are kept as given.
 *
 * <p>Memory: UIDs, sizes and INTERNALDATEs are {@link PackedLongs} (offsets from the smallest
 * value in as few bytes as the largest needs: about 2 + 2 to 4 + 4 bytes a message in practice),
 * the flag bits one byte and the default-format marks one bit, so a cached message costs about
 * 10 bytes instead of 3 longs, a byte and a reference.
 *
 * <p>Immutable; nothing inside is handed out. Build one with {@link Builder}.
 */
public final class Listing {

    /** Flag bit: the message carries {@code \Deleted}. */
    public static final int DELETED = 1;
    /** Flag bit: the message carries the hide keyword. */
    public static final int HIDDEN = 2;

    private final long uidValidity;
    private final long highestModSeq;
    private final long uidNext;
    private final String hideKeyword;
    /** UIDs, ascending; sizes and INTERNALDATEs in the same order: packed, 1 to 4 bytes each as a rule. */
    private final PackedLongs uids;
    private final PackedLongs sizes;
    private final PackedLongs dates;
    private final byte[] flags;
    /** Which messages have a recorded UIDL in the default format (formatted when asked). */
    private final BitSet derived;
    /** Indexes, ascending, of the messages whose recorded UIDL is kept as a string, and those strings. */
    private final int[] keptAt;
    private final String[] kept;

    /**
     * Takes the arrays (the caller's own, not used afterwards); {@code uidls} may hold null for a
     * message without a recorded UIDL.
     */
    Listing(long uidValidity, long highestModSeq, long uidNext, String hideKeyword, long[] uids, long[] sizes,
            byte[] flags, String[] uidls, long[] dates) {
        this.uidValidity = uidValidity;
        this.highestModSeq = highestModSeq;
        this.uidNext = uidNext;
        this.hideKeyword = hideKeyword == null ? "" : hideKeyword;
        for (int i = 1; i < uids.length; i++) {
            if (uids[i] <= uids[i - 1]) {
                throw new IllegalArgumentException("UIDs not strictly ascending at " + i);
            }
        }
        this.uids = PackedLongs.of(uids);
        this.sizes = PackedLongs.of(sizes);
        this.dates = PackedLongs.of(dates);
        this.flags = flags;
        this.derived = new BitSet(uids.length);
        int keptCount = 0;
        for (int i = 0; i < uids.length; i++) {
            if (uidls[i] != null) {
                if (DerivedUidl.isDerived(uidls[i], uidValidity, uids[i])) {
                    derived.set(i);
                } else {
                    keptCount++;
                }
            }
        }
        this.keptAt = new int[keptCount];
        this.kept = new String[keptCount];
        for (int i = 0, k = 0; i < uids.length; i++) {
            if (uidls[i] != null && !derived.get(i)) {
                keptAt[k] = i;
                kept[k++] = uidls[i];
            }
        }
    }

    public long uidValidity() {
        return uidValidity;
    }

    /** HIGHESTMODSEQ when the listing was taken; 0 if the server keeps none. */
    public long highestModSeq() {
        return highestModSeq;
    }

    /** UIDNEXT when the listing was taken; 0 if the server sent none. */
    public long uidNext() {
        return uidNext;
    }

    /** The hide keyword the {@link #HIDDEN} bits refer to; "" if none. */
    public String hideKeyword() {
        return hideKeyword;
    }

    /** Number of messages. */
    public int size() {
        return uids.length();
    }

    public long uid(int index) {
        return uids.get(index);
    }

    public long messageSize(int index) {
        return sizes.get(index);
    }

    /** The {@link #DELETED} / {@link #HIDDEN} bits of message {@code index}. */
    public int flags(int index) {
        return flags[index];
    }

    /** The UIDL recorded for message {@code index}, or null. */
    public String uidl(int index) {
        Objects.checkIndex(index, uids.length());
        return derived.get(index) ? DerivedUidl.of(uidValidity, uids.get(index)) : keptUidl(index);
    }

    /** The UIDL kept as a string for message {@code index}, or null. */
    private String keptUidl(int index) {
        int at = Arrays.binarySearch(keptAt, index);
        return at < 0 ? null : kept[at];
    }

    /** How many recorded UIDLs are kept as strings (not in the default format). */
    int keptUidls() {
        return kept.length;
    }

    /** The INTERNALDATE of message {@code index} in epoch seconds, or 0 if unknown. */
    public long internalDate(int index) {
        return dates.get(index);
    }

    /** The highest UID, or 0 when empty. */
    public long lastUid() {
        return uids.length() == 0 ? 0 : uids.get(uids.length() - 1);
    }

    /** The index of {@code uid}, or a negative number if absent. */
    public int indexOf(long uid) {
        return uids.binarySearch(uid);
    }

    /** The UIDs, ascending (a copy). */
    public long[] uids() {
        return uids.toArray();
    }

    /**
     * This listing with the UIDL of each message set to {@code uidlOf.apply(uid)} (null keeps
     * none), e.g. after the UIDLs of the new messages were assigned.
     */
    public Listing withUidls(java.util.function.LongFunction<String> uidlOf) {
        int n = uids.length();
        String[] next = new String[n];
        boolean same = true;
        for (int i = 0; i < n; i++) {
            long uid = uids.get(i);
            next[i] = uidlOf.apply(uid);
            same &= derived.get(i) ? next[i] != null && DerivedUidl.isDerived(next[i], uidValidity, uid)
                    : Objects.equals(next[i], keptUidl(i));
        }
        if (same) {
            return this; // immutable: the usual case of a login that gave out no new UIDL
        }
        return new Listing(uidValidity, highestModSeq, uidNext, hideKeyword, uids.toArray(), sizes.toArray(),
                flags.clone(), next, dates.toArray());
    }

    /** A builder starting from this listing's messages. */
    public Builder toBuilder() {
        Builder b = new Builder(uidValidity, hideKeyword);
        b.highestModSeq(highestModSeq).uidNext(uidNext);
        for (int i = 0; i < uids.length(); i++) {
            b.put(uids.get(i), sizes.get(i), flags[i], uidl(i), dates.get(i));
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Listing l && uidValidity == l.uidValidity && highestModSeq == l.highestModSeq
                && uidNext == l.uidNext && hideKeyword.equals(l.hideKeyword) && sameMessages(l);
    }

    /** Whether both list the same messages with the same sizes, flag bits, UIDLs and INTERNALDATEs. */
    public boolean sameMessages(Listing l) {
        return uids.equals(l.uids) && sizes.equals(l.sizes) && Arrays.equals(flags, l.flags)
                && sameUidls(l) && dates.equals(l.dates);
    }

    /** Whether {@link #uidl} gives the same for every index (the UIDs are already known to be equal). */
    private boolean sameUidls(Listing l) {
        if (uidValidity == l.uidValidity) {
            return derived.equals(l.derived) && Arrays.equals(keptAt, l.keptAt) && Arrays.equals(kept, l.kept);
        }
        for (int i = 0; i < uids.length(); i++) {
            if (!Objects.equals(uidl(i), l.uidl(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(uidValidity, highestModSeq, uidNext, uids);
    }

    @Override
    public String toString() {
        return "Listing[uidValidity=" + uidValidity + ", highestModSeq=" + highestModSeq + ", uidNext=" + uidNext
                + ", messages=" + uids.length() + "]";
    }

    /** Collects messages in any order; a UID put twice keeps the last values. Not thread-safe. */
    public static final class Builder {
        private final long uidValidity;
        private final String hideKeyword;
        private long highestModSeq;
        private long uidNext;
        private final java.util.TreeMap<Long, Object[]> messages = new java.util.TreeMap<>();

        public Builder(long uidValidity, String hideKeyword) {
            if (uidValidity < 0) {
                throw new IllegalArgumentException("negative UIDVALIDITY");
            }
            this.uidValidity = uidValidity;
            this.hideKeyword = hideKeyword;
        }

        public Builder highestModSeq(long value) {
            this.highestModSeq = Math.max(0, value);
            return this;
        }

        public Builder uidNext(long value) {
            this.uidNext = Math.max(0, value);
            return this;
        }

        /** Adds or replaces a message, its INTERNALDATE unknown. */
        public Builder put(long uid, long size, int flagBits, String uidl) {
            return put(uid, size, flagBits, uidl, 0);
        }

        /**
         * Adds or replaces a message.
         *
         * @param internalDate INTERNALDATE in epoch seconds; 0 (or less) for unknown
         */
        public Builder put(long uid, long size, int flagBits, String uidl, long internalDate) {
            if (uid <= 0 || size < 0) {
                throw new IllegalArgumentException("invalid UID " + uid + " or size " + size);
            }
            messages.put(uid, new Object[] {size, (byte) (flagBits & (DELETED | HIDDEN)), uidl,
                Math.max(0, internalDate)});
            return this;
        }

        /** The INTERNALDATE (epoch seconds) of {@code uid}; 0 if unknown or absent. */
        public long internalDate(long uid) {
            Object[] m = messages.get(uid);
            return m == null ? 0 : (long) m[3];
        }

        /** Changes the flag bits of a message already put; false if absent. */
        public boolean setFlags(long uid, int flagBits) {
            Object[] m = messages.get(uid);
            if (m == null) {
                return false;
            }
            m[1] = (byte) (flagBits & (DELETED | HIDDEN));
            return true;
        }

        /** The flag bits of {@code uid}, or -1 if absent. */
        public int flags(long uid) {
            Object[] m = messages.get(uid);
            return m == null ? -1 : (byte) m[1];
        }

        public boolean remove(long uid) {
            return messages.remove(uid) != null;
        }

        public boolean contains(long uid) {
            return messages.containsKey(uid);
        }

        public int size() {
            return messages.size();
        }

        /** The UIDs put so far, ascending. */
        public long[] uids() {
            return messages.keySet().stream().mapToLong(Long::longValue).toArray();
        }

        public Listing build() {
            int n = messages.size();
            long[] u = new long[n];
            long[] s = new long[n];
            byte[] f = new byte[n];
            String[] l = new String[n];
            long[] d = new long[n];
            int i = 0;
            for (var e : messages.entrySet()) {
                u[i] = e.getKey();
                s[i] = (long) e.getValue()[0];
                f[i] = (byte) e.getValue()[1];
                l[i] = (String) e.getValue()[2];
                d[i] = (long) e.getValue()[3];
                i++;
            }
            return new Listing(uidValidity, highestModSeq, uidNext, hideKeyword, u, s, f, l, d);
        }
    }
}
