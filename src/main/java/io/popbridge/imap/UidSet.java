package io.popbridge.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of UIDs as the server sent it ({@code 3:7,9}): sorted, merged ranges. Kept as ranges,
 * never expanded on parsing, because a server may report {@code VANISHED (EARLIER) 1:4000000}
 * for UIDs that mostly never existed.
 */
public final class UidSet {

    public static final UidSet EMPTY = new UidSet(new long[0], new long[0]);

    private final long[] starts;
    private final long[] ends;

    private UidSet(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    /**
     * Parses a sequence set of numbers ({@code *} is not a UID and is rejected).
     *
     * @throws ProtocolViolation if malformed
     */
    static UidSet parse(String text) {
        List<long[]> ranges = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int colon = part.indexOf(':');
            long a = ResponseParser.parseNumber(colon < 0 ? part : part.substring(0, colon));
            long b = colon < 0 ? a : ResponseParser.parseNumber(part.substring(colon + 1));
            if (a == 0 || b == 0) {
                throw new ProtocolViolation("UID 0 in a UID set");
            }
            ranges.add(new long[] {Math.min(a, b), Math.max(a, b)});
        }
        return of(ranges);
    }

    /** The set of the given UIDs (any order, duplicates allowed). */
    public static UidSet of(long... uids) {
        List<long[]> ranges = new ArrayList<>(uids.length);
        for (long u : uids) {
            ranges.add(new long[] {u, u});
        }
        return of(ranges);
    }

    /** The union of this and {@code other}. */
    public UidSet union(UidSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        List<long[]> ranges = new ArrayList<>(starts.length + other.starts.length);
        for (UidSet s : List.of(this, other)) {
            for (int i = 0; i < s.starts.length; i++) {
                ranges.add(new long[] {s.starts[i], s.ends[i]});
            }
        }
        return of(ranges);
    }

    private static UidSet of(List<long[]> ranges) {
        ranges.sort((x, y) -> Long.compare(x[0], y[0]));
        long[] s = new long[ranges.size()];
        long[] e = new long[ranges.size()];
        int n = 0;
        for (long[] r : ranges) {
            if (n > 0 && r[0] <= e[n - 1] + 1) {
                e[n - 1] = Math.max(e[n - 1], r[1]);
            } else {
                s[n] = r[0];
                e[n] = r[1];
                n++;
            }
        }
        return new UidSet(Arrays.copyOf(s, n), Arrays.copyOf(e, n));
    }

    public boolean isEmpty() {
        return starts.length == 0;
    }

    public boolean contains(long uid) {
        int i = Arrays.binarySearch(starts, uid);
        if (i >= 0) {
            return true;
        }
        int before = -i - 2;
        return before >= 0 && uid <= ends[before];
    }

    /** How many UIDs the set holds. */
    public long count() {
        long n = 0;
        for (int i = 0; i < starts.length; i++) {
            n += ends[i] - starts[i] + 1;
        }
        return n;
    }

    /**
     * The UIDs, ascending.
     *
     * @throws IllegalStateException if there are more than {@code limit} (a server's answer that
     *     cannot be a mailbox's listing)
     */
    public long[] toArray(int limit) {
        long count = count();
        if (count > limit) {
            throw new IllegalStateException("UID set of " + count + " UIDs exceeds the limit of " + limit);
        }
        long[] out = new long[(int) count];
        int k = 0;
        for (int i = 0; i < starts.length; i++) {
            for (long u = starts[i]; u <= ends[i]; u++) {
                out[k++] = u;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UidSet u && Arrays.equals(starts, u.starts) && Arrays.equals(ends, u.ends);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(starts) + Arrays.hashCode(ends);
    }

    /** The compact form, e.g. {@code 3:7,9}; empty for the empty set. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(starts[i]);
            if (ends[i] != starts[i]) {
                b.append(':').append(ends[i]);
            }
        }
        return b.toString();
    }
}
