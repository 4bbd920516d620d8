package io.popbridge.bridge;

import java.util.ArrayList;
import java.util.List;

/** Compact IMAP UID sets ("3:7,9,12:13"), split so that no command line grows without bound. */
final class UidSets {

    /** Octets per set: keeps each command line well under the 8 KiB that servers accept at least. */
    static final int MAX_SET_LENGTH = 4000;

    private UidSets() {
    }

    /**
     * @param sortedUids strictly ascending UIDs
     * @return one or more sequence sets covering exactly those UIDs
     */
    static List<String> of(long[] sortedUids) {
        List<String> sets = new ArrayList<>();
        StringBuilder set = new StringBuilder();
        int i = 0;
        while (i < sortedUids.length) {
            int j = i;
            while (j + 1 < sortedUids.length && sortedUids[j + 1] == sortedUids[j] + 1) {
                j++;
            }
            String range = j > i ? sortedUids[i] + ":" + sortedUids[j] : Long.toString(sortedUids[i]);
            if (set.length() > 0 && set.length() + 1 + range.length() > MAX_SET_LENGTH) {
                sets.add(set.toString());
                set.setLength(0);
            }
            if (set.length() > 0) {
                set.append(',');
            }
            set.append(range);
            i = j + 1;
        }
        if (set.length() > 0) {
            sets.add(set.toString());
        }
        return sets;
    }
}
