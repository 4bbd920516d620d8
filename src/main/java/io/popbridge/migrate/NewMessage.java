package io.popbridge.migrate;

import java.time.Instant;

/**
 * A message of the IMAP mailbox behind popbridge.
 *
 * @param uid its UID under the mailbox's current UIDVALIDITY
 * @param size RFC822.SIZE (what popbridge gives out in LIST)
 * @param internalDate INTERNALDATE, or null
 * @param headers its Message-ID and Date
 */
record NewMessage(long uid, long size, Instant internalDate, HeaderFields headers) {
}
