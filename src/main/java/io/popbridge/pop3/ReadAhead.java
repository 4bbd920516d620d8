package io.popbridge.pop3;

import java.util.BitSet;

/**
 * Tells when a client is walking the mailbox with RETR (or TOP) in order, so that the mailbox can
 * fetch the next message ahead of its RETR ({@link Mailbox#prefetch}), or the next header ahead of
 * its TOP ({@link Mailbox#prefetchHeader}).
 *
 * <p>The rule: after RETR n, the next message (the first one after n not marked deleted) is worth
 * fetching ahead when the RETR before this one was of the message just before n (again skipping
 * messages marked deleted). So the third RETR of a loop is the first one served from a prefetch,
 * and a client that downloads a single message, or picks messages by UIDL out of order, costs no
 * upstream fetch it did not ask for. Other commands in between (DELE, LIST, UIDL, NOOP, TOP) do not
 * break a loop. TOP loops follow the same rule on their own (TOP of any line count), so a client
 * that TOPs every message and then RETRs some has each loop recognised separately. Event-loop
 * confined, one per session.
 */
final class ReadAhead {

    /** The message of the last RETR in this session; 0 before the first. */
    private int lastRetr;
    /** The same for TOP. */
    private int lastTop;

    /**
     * Records RETR {@code n} (already validated) and returns the message to fetch ahead, or 0.
     *
     * @param count messages in the snapshot
     * @param deleted the messages marked deleted (bit {@code n - 1} for message n)
     */
    int afterRetr(int n, int count, BitSet deleted) {
        int next = next(lastRetr, n, count, deleted);
        lastRetr = n;
        return next;
    }

    /** Records TOP {@code n} and returns the message whose header to fetch ahead, or 0. */
    int afterTop(int n, int count, BitSet deleted) {
        int next = next(lastTop, n, count, deleted);
        lastTop = n;
        return next;
    }

    private static int next(int last, int n, int count, BitSet deleted) {
        boolean inOrder = last > 0 && last < n && deleted.nextClearBit(last) == n - 1;
        if (!inOrder) {
            return 0;
        }
        int next = deleted.nextClearBit(n) + 1;
        return next <= count ? next : 0;
    }
}
