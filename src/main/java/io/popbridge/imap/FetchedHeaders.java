package io.popbridge.imap;

import java.time.Instant;

/**
 * One answer to {@link ImapClient#uidFetchHeaderFields}: a message's UID, size, INTERNALDATE and
 * the requested header fields.
 *
 * @param uid the UID
 * @param rfc822Size RFC822.SIZE, or -1 if absent
 * @param internalDate INTERNALDATE, or null if absent or unparsable
 * @param headers the octets of the requested header fields as sent (RFC 5322 lines, CRLF, ending
 *     with an empty line), cut at the requested maximum; empty if absent
 */
public record FetchedHeaders(long uid, long rfc822Size, Instant internalDate, byte[] headers) {
}
