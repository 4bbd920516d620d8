package io.popbridge.bridge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * True message sizes learnt from RETR where the upstream's {@code RFC822.SIZE} was wrong
 * (GreenMail reports the body length, hMailServer and some Exchange versions are off by a few
 * octets). Later snapshots list the learnt size, so LIST and RETR agree from then on.
 *
 * <p>Kept in memory per instance (bounded), in front of the mapping store which persists them
 * where the server runs with one (see {@code StoreView#learnSize}). Thread-safe.
 */
final class SizeCorrections {

    private final Cache<String, Long> sizes;

    SizeCorrections(long maximumEntries) {
        this.sizes = Caffeine.newBuilder().maximumSize(maximumEntries).build();
    }

    /** A key for one message of one user's mailbox on one upstream. */
    static String mailboxKey(String upstream, String user, String mailbox, long uidValidity) {
        return upstream + '\0' + user + '\0' + mailbox + '\0' + uidValidity + '\0';
    }

    /** The corrections of one mailbox (one UIDVALIDITY). */
    View view(String mailboxKey) {
        return new View(this, mailboxKey, (uid, size) -> { });
    }

    /** As {@link #view(String)}; {@code onLearn} runs for every correction learnt. */
    View view(String mailboxKey, Learnt onLearn) {
        return new View(this, mailboxKey, onLearn);
    }

    /** Told of each size learnt. */
    interface Learnt {
        void learnt(long uid, long trueSize);
    }

    record View(SizeCorrections corrections, String mailboxKey, Learnt onLearn) {
        long size(long uid, long reported) {
            return corrections.size(mailboxKey, uid, reported);
        }

        void learn(long uid, long trueSize) {
            corrections.learn(mailboxKey, uid, trueSize);
            onLearn.learnt(uid, trueSize);
        }
    }

    void learn(String mailboxKey, long uid, long trueSize) {
        sizes.put(mailboxKey + uid, trueSize);
    }

    /** The learnt size of the message, or {@code reported} if none was learnt. */
    long size(String mailboxKey, long uid, long reported) {
        Long learnt = sizes.getIfPresent(mailboxKey + uid);
        return learnt != null ? learnt : reported;
    }
}
