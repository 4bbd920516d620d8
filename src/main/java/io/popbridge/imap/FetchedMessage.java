package io.popbridge.imap;

import java.time.Instant;
import java.util.Set;

/**
 * The non-body attributes of one FETCH response.
 *
 * @param sequence message sequence number
 * @param uid UID, or -1 if absent
 * @param rfc822Size RFC822.SIZE, or -1 if absent
 * @param flags FLAGS, or an empty set if absent
 * @param internalDate INTERNALDATE, or null if absent or malformed
 * @param emailId the server's stable message id: RFC 8474 {@code EMAILID}, or Gmail's
 *     {@code X-GM-MSGID} as its decimal string; null if absent
 * @param header the octets of a small {@code BODY[HEADER.FIELDS (...)]} item (at most
 *     {@link #MAX_HEADER} octets kept), or null if absent
 * @param modSeq MODSEQ (RFC 7162), or 0 if absent
 */
public record FetchedMessage(long sequence, long uid, long rfc822Size, Set<String> flags, Instant internalDate,
        String emailId, byte[] header, long modSeq) {

    /** Header field octets kept per message; a listing never buffers a whole message. */
    public static final int MAX_HEADER = 4096;

    public FetchedMessage(long sequence, long uid, long rfc822Size, Set<String> flags) {
        this(sequence, uid, rfc822Size, flags, null, null, null, 0);
    }

    public FetchedMessage(long sequence, long uid, long rfc822Size, Set<String> flags, long modSeq) {
        this(sequence, uid, rfc822Size, flags, null, null, null, modSeq);
    }

    public FetchedMessage(long sequence, long uid, long rfc822Size, Set<String> flags, Instant internalDate,
            String emailId, byte[] header) {
        this(sequence, uid, rfc822Size, flags, internalDate, emailId, header, 0);
    }
}
