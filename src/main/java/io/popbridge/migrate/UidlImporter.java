package io.popbridge.migrate;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.popbridge.bridge.MailboxKeys;
import io.popbridge.bridge.Route;
import io.popbridge.bridge.Router;
import io.popbridge.mapping.ImportResult;
import io.popbridge.mapping.ImportedUidl;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.MessageFacts;
import io.popbridge.migrate.MigrationException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code popbridge uidl import} for one user at a time: read the old POP3 server, read the IMAP
 * mailbox the user is routed to, match, and record the old UIDLs under the key the bridge uses
 * ({@link MailboxKeys#of}). Both servers are only read. Logs counts, never passwords or message
 * content.
 */
public final class UidlImporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UidlImporter.class);

    private final OldServer oldServer;
    private final Router router;
    private final String mailbox;
    private final MappingStore store;
    private final boolean dryRun;
    private final boolean ignoreSize;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /**
     * @param store where the UIDLs go; not closed by this importer
     * @param dryRun match and report, store nothing
     * @param ignoreSize match by Message-ID without comparing sizes (old servers whose LIST sizes
     *     are not exact); messages without a Message-ID are then not matched
     */
    public UidlImporter(OldServer oldServer, Router router, String mailbox, MappingStore store, boolean dryRun,
            boolean ignoreSize) {
        this.oldServer = Objects.requireNonNull(oldServer, "oldServer");
        this.router = Objects.requireNonNull(router, "router");
        this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
        this.store = Objects.requireNonNull(store, "store");
        this.dryRun = dryRun;
        this.ignoreSize = ignoreSize;
    }

    /**
     * Imports {@code user}; never throws for a failure of the servers or the store (the report
     * says what failed). The password arrays are not kept; the caller wipes them.
     *
     * @param user the user name as the POP3 client will send it to popbridge (and to the old server)
     */
    public UserReport importUser(String user, byte[] oldPassword, byte[] newPassword) {
        try {
            UserReport report = run(user, oldPassword, newPassword);
            log.info("uidl import {}: {} old, {} matched, {} stored, {} unchanged, {} unmatched, {} conflicts",
                    user, report.oldMessages(), report.matched(), report.stored(), report.unchanged(),
                    report.unmatched().size(), report.conflicts().size());
            return report;
        } catch (MigrationException e) {
            log.warn("uidl import {} failed: {}", user, e.getMessage());
            return UserReport.failed(user, e);
        }
    }

    private UserReport run(String user, byte[] oldPassword, byte[] newPassword) throws MigrationException {
        List<OldMessage> old = Pop3Source.read(oldServer, user, oldPassword);
        Route route = router.route(user);
        ImapTarget.Listing listing = ImapTarget.read(group.next(), route, user, newPassword, mailbox);

        // A UIDL that is invalid or given to two messages by the old server cannot be kept.
        Map<String, Integer> seen = new HashMap<>();
        List<Integer> invalid = new ArrayList<>();
        List<OldMessage> usable = new ArrayList<>();
        for (OldMessage m : old) {
            seen.merge(m.uidl(), 1, Integer::sum);
        }
        for (OldMessage m : old) {
            if (!ImportedUidl.isValid(m.uidl()) || seen.get(m.uidl()) > 1) {
                invalid.add(m.number());
            } else {
                usable.add(m);
            }
        }
        MessageMatcher.Result match = MessageMatcher.match(usable, listing.messages(), ignoreSize);
        List<ImportedUidl> entries = new ArrayList<>();
        for (MessageMatcher.Pair p : match.matched()) {
            NewMessage n = p.message();
            entries.add(new ImportedUidl(p.old().uidl(),
                    new MessageFacts(n.uid(), n.size(), null, n.headers().messageId(), n.internalDate())));
        }
        ImportResult result;
        if (dryRun || entries.isEmpty()) {
            result = new ImportResult(List.of(), List.of(), List.of());
        } else {
            MailboxKey key = MailboxKeys.of(route, user, mailbox);
            try {
                result = store.importUidls(key, listing.uidValidity(), entries).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | CompletionException e) {
                throw new MigrationException(Kind.STORE, e.getCause().getMessage(), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new MigrationException(Kind.STORE, "the mapping store did not answer within 60 s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(Kind.STORE, "interrupted", e);
            }
        }
        List<String> unmatched = match.unmatched().stream().map(m -> m.number() + " " + m.uidl()).toList();
        return new UserReport(user, old.size(), listing.messages().size(), match.matched().size(),
                result.stored().size(), result.unchanged().size(), unmatched, result.conflicts(), invalid, null);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
