package io.popbridge.imap;

import java.util.Set;

/**
 * What SELECT/EXAMINE reported.
 *
 * @param exists message count
 * @param uidValidity UIDVALIDITY (0 if the server sent none)
 * @param uidNext UIDNEXT (0 if none)
 * @param flags FLAGS, as sent (e.g. "\Seen", "$Label")
 * @param permanentFlags PERMANENTFLAGS as sent, including "\*" when new keywords may be created;
 *     null when the server sent no PERMANENTFLAGS (which RFC 3501 says means every flag is
 *     permanent), an empty set for {@code PERMANENTFLAGS ()} (nothing is)
 * @param highestModSeq HIGHESTMODSEQ (0 if none, and 0 with NOMODSEQ)
 * @param readOnly whether the server answered [READ-ONLY]
 * @param noModSeq whether the server answered [NOMODSEQ] (RFC 7162 3.1.2.2: this mailbox keeps
 *     no mod-sequences, so CONDSTORE/QRESYNC cannot be used on it)
 */
public record SelectedMailbox(long exists, long uidValidity, long uidNext, Set<String> flags,
        Set<String> permanentFlags, long highestModSeq, boolean readOnly, boolean noModSeq) {

    public SelectedMailbox(long exists, long uidValidity, long uidNext, Set<String> flags,
            Set<String> permanentFlags, long highestModSeq, boolean readOnly) {
        this(exists, uidValidity, uidNext, flags, permanentFlags, highestModSeq, readOnly, false);
    }

    /** Whether mod-sequences can be used: a HIGHESTMODSEQ was sent and no NOMODSEQ. */
    public boolean hasModSeq() {
        return highestModSeq > 0 && !noModSeq;
    }

    /** Whether the keyword (or any new keyword, via "\*") can be stored permanently. */
    public boolean allowsKeyword(String keyword) {
        if (permanentFlags == null) {
            return !readOnly;
        }
        return permanentFlags.contains("\\*") || permanentFlags.stream().anyMatch(f -> f.equalsIgnoreCase(keyword));
    }
}
