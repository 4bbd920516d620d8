package io.popbridge.mapping;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The persistent state of the mapping layer: UIDL assignments with message fingerprints, the
 * hidden set of each (mailbox, device) and sizes learnt from messages.
 *
 * <p><b>Threading.</b> JDBC blocks, so an implementation runs every call on its own bounded
 * executor and returns at once; no method blocks the caller, and a Netty event loop may call
 * any of them. The returned futures complete on a store thread: callers that touch channel state
 * hop back to their event loop ({@code thenAcceptAsync(fn, channel.eventLoop())}). Calls from one
 * caller may run in any order unless the caller waits for the previous one. Implementations are
 * safe for use by many threads and, for PostgreSQL, by several instances on one database.
 *
 * <p><b>Failures.</b> Every database failure completes the future exceptionally with a
 * {@link StoreException} (an overloaded store too: calls beyond the queue limit fail at once
 * instead of queueing without bound). A failed call changes nothing: each call is one
 * transaction. Arguments are checked on the calling thread: a null or malformed argument throws
 * at once.
 *
 * <p><b>Lifecycle.</b> {@link #open} connects, migrates the schema and blocks while doing so; it
 * is meant for start-up. {@link #close} waits for running calls and releases the database.
 */
public interface MappingStore extends AutoCloseable {

    /**
     * Opens the store described by {@code config}, creating or upgrading its schema.
     *
     * @throws StoreException when the database is unreachable, or its schema is newer than this
     *     binary (the message names both versions), or a migration fails (nothing of it remains)
     */
    static MappingStore open(StoreConfig config) {
        return JdbcMappingStore.open(config);
    }

    /**
     * Gives every message of a listing its UIDL and records it.
     *
     * <p>A message already known under {@code uidValidity} keeps its UIDL. An unknown UID is
     * matched by fingerprint to UIDLs given out under another UIDVALIDITY (the mailbox was
     * recreated or moved) and keeps the old UIDL; messages with equal fingerprints are matched in
     * UID order, never one old UIDL to two messages. Every other message gets a new UIDL, by
     * default {@code String.format("%08x%08x", uid, uidValidity)} (Dovecot's default format); a
     * UIDL once given out is never given to another message of the mailbox.
     *
     * @param facts the listing; UIDs must be distinct. Sized for whole mailboxes (100,000
     *     messages is one call); a repeat call for a known listing only reads.
     * @return the UIDL of every UID in {@code facts}, with counts
     */
    CompletableFuture<Assignment> assign(MailboxKey mailbox, long uidValidity, List<MessageFacts> facts);

    /**
     * Records UIDLs another POP3 server gave out, for the messages of the IMAP mailbox they were
     * matched to (a migration: {@code popbridge uidl import}), so that {@link #assign} gives
     * them out from then on, and keeps them across a UIDVALIDITY change like its own.
     *
     * <p>The guarantees of {@link #assign} hold: nothing already recorded is changed. An entry
     * whose UID already has a UIDL under {@code uidValidity} (given out by popbridge, so a client
     * may have seen it, or stored by an earlier import) keeps that UIDL and is reported as a
     * conflict, as is an entry whose UIDL already belongs to another message of the mailbox
     * (under any UIDVALIDITY). An entry recorded exactly so already is reported unchanged, so an
     * import may be run again. Runs under the mailbox's lock, like {@code assign}.
     *
     * @param entries UIDs and UIDLs must each be distinct
     * @throws IllegalArgumentException (at once) if a UID or a UIDL appears twice
     */
    CompletableFuture<ImportResult> importUidls(MailboxKey mailbox, long uidValidity, List<ImportedUidl> entries);

    /**
     * The UIDLs already given out under {@code uidValidity}, UID to UIDL; one read, nothing
     * written. Lets a caller skip gathering fingerprints (Message-ID headers) for messages the
     * store already knows before it calls {@link #assign}.
     */
    CompletableFuture<Map<Long, String>> known(MailboxKey mailbox, long uidValidity);

    /**
     * Adds UIDLs to the hidden set of {@code device} ({@code ""} for the default view). Hiding a
     * hidden UIDL again does nothing.
     *
     * @throws IllegalArgumentException if a UIDL is not 1 to 70 characters 0x21-0x7E (RFC 1939)
     */
    CompletableFuture<Void> hide(MailboxKey mailbox, String device, Collection<String> uidls);

    /** The hidden set of {@code device} ({@code ""} for the default view); empty if none. */
    CompletableFuture<Set<String>> hidden(MailboxKey mailbox, String device);

    /** Records the true size of a message, replacing an earlier one. */
    CompletableFuture<Void> learnSize(MailboxKey mailbox, long uidValidity, long uid, long size);

    /** The learnt sizes under {@code uidValidity}, UID to size; empty if none. */
    CompletableFuture<Map<Long, Long>> sizes(MailboxKey mailbox, long uidValidity);

    /**
     * When the mailbox was first opened with the "from now on" window: the time recorded by the
     * first call for the mailbox (now, then), returned unchanged by every later call.
     */
    CompletableFuture<java.time.Instant> firstLogin(MailboxKey mailbox);

    /**
     * Stores the listing of {@code mailbox}, replacing the one stored before (one per mailbox;
     * the last save wins, which is safe because every listing carries the UIDVALIDITY and
     * HIGHESTMODSEQ it is valid for).
     */
    CompletableFuture<Void> saveListing(MailboxKey mailbox, Listing listing);

    /**
     * The listing stored for {@code mailbox}; empty if none, or if the stored one cannot be read
     * (written by an incompatible version: it is then as good as absent and is replaced by the
     * next save).
     */
    CompletableFuture<java.util.Optional<Listing>> loadListing(MailboxKey mailbox);

    /** The schema version of the database, as migrated by {@link #open}. */
    int schemaVersion();

    /** Stops accepting calls, waits for running ones and releases the database. */
    @Override
    void close();
}
