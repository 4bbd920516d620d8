package io.popbridge.bridge;

import java.util.ArrayList;
import java.util.List;

/** Compact IMAP UID sets ("3:7,9,12:13"), split so that no command line grows without bound. */
final class UidSets {

    /** Ranges per command: keeps each command line well under the 8 KiB servers accept at least. */
    static final int MAX_RANGES_PER_SET = 400;

    private UidSets() {
    }

    /**
     * @param sortedUids strictly ascending UIDs
     * @return one or more sequence sets covering exactly those UIDs
     */
    static List<String> of(long[] sortedUids) {
        List<String> sets = new ArrayList<>();
        StringBuilder set = new StringBuilder();
        int ranges = 0;
        int i = 0;
        while (i < sortedUids.length) {
            int j = i;
            while (j + 1 < sortedUids.length && sortedUids[j + 1] == sortedUids[j] + 1) {
                j++;
            }
            if (ranges == MAX_RANGES_PER_SET) {
                sets.add(set.toString());
                set.setLength(0);
                ranges = 0;
            }
            if (ranges > 0) {
                set.append(',');
            }
            set.append(sortedUids[i]);
            if (j > i) {
                set.append(':').append(sortedUids[j]);
            }
            ranges++;
            i = j + 1;
        }
        if (ranges > 0) {
            sets.add(set.toString());
        }
        return sets;
    }
}
