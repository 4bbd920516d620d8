package io.popbridge.bridge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * True message sizes learnt from RETR where the upstream's {@code RFC822.SIZE} was wrong
 * (GreenMail reports the body length, hMailServer and some Exchange versions are off by a few
 * octets). Later snapshots list the learnt size, so LIST and RETR agree from then on.
 *
 * <p>Kept in memory per instance (bounded); the mapping store will persist them. Thread-safe.
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
        return new View(this, mailboxKey, () -> { });
    }

    /** As {@link #view(String)}; {@code onLearn} runs for every correction learnt. */
    View view(String mailboxKey, Runnable onLearn) {
        return new View(this, mailboxKey, onLearn);
    }

    record View(SizeCorrections corrections, String mailboxKey, Runnable onLearn) {
        long size(long uid, long reported) {
            return corrections.size(mailboxKey, uid, reported);
        }

        void learn(long uid, long trueSize) {
            corrections.learn(mailboxKey, uid, trueSize);
            onLearn.run();
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
