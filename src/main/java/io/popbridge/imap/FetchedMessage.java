package io.popbridge.imap;

import java.util.Set;

/**
 * The non-body attributes of one FETCH response.
 *
 * @param sequence message sequence number
 * @param uid UID, or -1 if absent
 * @param rfc822Size RFC822.SIZE, or -1 if absent
 * @param flags FLAGS, or an empty set if absent
 * @param modSeq MODSEQ (RFC 7162), or 0 if absent
 */
public record FetchedMessage(long sequence, long uid, long rfc822Size, Set<String> flags, long modSeq) {

    public FetchedMessage(long sequence, long uid, long rfc822Size, Set<String> flags) {
        this(sequence, uid, rfc822Size, flags, 0);
    }
}
