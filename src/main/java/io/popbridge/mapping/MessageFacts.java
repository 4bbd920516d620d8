package io.popbridge.mapping;

import java.time.Instant;

/**
 * What the upstream told us about one message of a listing; the store derives the message's
 * fingerprint from it.
 *
 * @param uid the IMAP UID (1..2^32-1) under the listing's UIDVALIDITY
 * @param size the size in octets, as given out in LIST
 * @param emailId the server's stable id where it has one: RFC 8474 {@code EMAILID}, or Gmail's
 *     {@code X-GM-MSGID} (as its decimal string); null where the server has none
 * @param messageId the {@code Message-ID} header as sent, or null
 * @param internalDate the IMAP {@code INTERNALDATE}, or null
 */
public record MessageFacts(long uid, long size, String emailId, String messageId, Instant internalDate) {
    public MessageFacts {
        if (uid < 1 || uid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("uid out of range: " + uid);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
    }
}
