package io.popbridge.mapping;

import java.util.Objects;

/**
 * A UIDL another POP3 server gave out for a message, to be kept by the store for the same
 * message in the IMAP mailbox (see {@link MappingStore#importUidls}).
 *
 * @param uidl the old server's UIDL: 1 to 70 characters 0x21-0x7E (RFC 1939 section 7)
 * @param facts the IMAP message it belongs to (UID under the import's UIDVALIDITY, size,
 *     Message-ID, INTERNALDATE), from which the store derives the fingerprint it keeps
 */
public record ImportedUidl(String uidl, MessageFacts facts) {
    public ImportedUidl {
        Objects.requireNonNull(uidl, "uidl");
        Objects.requireNonNull(facts, "facts");
        if (!isValid(uidl)) {
            throw new IllegalArgumentException("not a UIDL (RFC 1939: 1-70 characters 0x21-0x7E): "
                    + uidl.length() + " characters");
        }
    }

    /** RFC 1939 section 7: 1 to 70 characters in the range 0x21 to 0x7E. */
    public static boolean isValid(String uidl) {
        return !uidl.isEmpty() && uidl.length() <= 70 && uidl.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e);
    }
}
