/**
 * Mapping layer: what must outlive a POP3 session.
 *
 * <p>This package holds the persistent {@link io.popbridge.mapping.MappingStore}: the UIDL given
 * out for each message with its fingerprint (RFC 8474 {@code EMAILID}, Gmail
 * {@code X-GM-MSGID}, or Message-ID + INTERNALDATE + size), so that UIDLs (RFC 1939 section 7)
 * stay stable across sessions, instances, restarts and UIDVALIDITY changes (RFC 9051 section
 * 2.3.1.1); the hidden set used when the upstream refuses the hide keyword; and sizes learnt
 * from servers whose {@code RFC822.SIZE} is wrong. Two implementations share one schema: an
 * embedded SQLite file and PostgreSQL. It also holds the listing cache: {@link
 * io.popbridge.mapping.Listing} (what a login needs of a mailbox's listing) and {@link
 * io.popbridge.mapping.ListingCache} (Caffeine in front of the store's {@code listing} table);
 * the delta sync that keeps a listing current is {@code bridge.ListingSync}. See
 * {@code docs/mapping.md}.
 */
package io.popbridge.mapping;
