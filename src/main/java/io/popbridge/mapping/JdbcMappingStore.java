package io.popbridge.mapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one {@link MappingStore} implementation: shared SQL over a {@link Connections} source, each
 * call on a bounded pool of store threads. SQLite gets one thread and one connection (its single
 * writer); PostgreSQL one thread per pooled connection.
 */
final class JdbcMappingStore implements MappingStore {
    private static final AtomicInteger STORES = new AtomicInteger();

    private final Connections connections;
    private final ThreadPoolExecutor executor;
    private final UidlAssigner assigner;
    private final UidlImport importer;
    private final Dialect dialect;
    private final int schemaVersion;
    private final int queueLimit;

    private JdbcMappingStore(Connections connections, int threads, int queueLimit, int schemaVersion) {
        this.connections = connections;
        this.dialect = connections.dialect();
        this.assigner = new UidlAssigner(dialect);
        this.importer = new UidlImport(dialect);
        this.schemaVersion = schemaVersion;
        this.queueLimit = queueLimit;
        int store = STORES.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(queueLimit), r -> {
                    Thread t = new Thread(r, "popbridge-store-" + store + "-" + thread.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    static JdbcMappingStore open(StoreConfig config) {
        Objects.requireNonNull(config, "config");
        Connections connections;
        int threads;
        int queueLimit;
        if (config instanceof StoreConfig.Sqlite sqlite) {
            connections = Connections.sqlite(sqlite);
            threads = 1;
            queueLimit = sqlite.queueLimit();
        } else {
            StoreConfig.Postgres pg = (StoreConfig.Postgres) config;
            connections = Connections.postgres(pg);
            threads = pg.poolSize();
            queueLimit = pg.queueLimit();
        }
        try {
            Connection c = connections.borrow();
            int version;
            try {
                version = Migrator.migrate(c, connections.dialect(), connections.describe());
            } finally {
                connections.giveBack(c);
            }
            return new JdbcMappingStore(connections, threads, queueLimit, version);
        } catch (SQLException e) {
            connections.close();
            throw new StoreException("cannot use the mapping store at " + connections.describe() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Assignment> assign(MailboxKey mailbox, long uidValidity, List<MessageFacts> facts) {
        Objects.requireNonNull(mailbox, "mailbox");
        checkUidValidity(uidValidity);
        List<MessageFacts> copy = List.copyOf(facts);
        Set<Long> uids = new HashSet<>(copy.size() * 2);
        for (MessageFacts f : copy) {
            if (!uids.add(f.uid())) {
                throw new IllegalArgumentException("UID " + f.uid() + " listed twice");
            }
        }
        return call("assign UIDLs", c -> assigner.assign(c, mailbox, uidValidity, copy));
    }

    @Override
    public CompletableFuture<ImportResult> importUidls(MailboxKey mailbox, long uidValidity,
            List<ImportedUidl> entries) {
        Objects.requireNonNull(mailbox, "mailbox");
        checkUidValidity(uidValidity);
        List<ImportedUidl> copy = List.copyOf(entries);
        Set<Long> uids = new HashSet<>(copy.size() * 2);
        Set<String> uidls = new HashSet<>(copy.size() * 2);
        for (ImportedUidl e : copy) {
            if (!uids.add(e.facts().uid())) {
                throw new IllegalArgumentException("UID " + e.facts().uid() + " imported twice");
            }
            if (!uidls.add(e.uidl())) {
                throw new IllegalArgumentException("UIDL " + e.uidl() + " imported twice");
            }
        }
        return call("import UIDLs", c -> importer.run(c, mailbox, uidValidity, copy));
    }

    @Override
    public CompletableFuture<Map<Long, String>> known(MailboxKey mailbox, long uidValidity) {
        Objects.requireNonNull(mailbox, "mailbox");
        checkUidValidity(uidValidity);
        return call("read known UIDLs", c -> Map.copyOf(UidlAssigner.knownUids(c, mailbox, uidValidity)));
    }

    @Override
    public CompletableFuture<Void> hide(MailboxKey mailbox, String device, Collection<String> uidls) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(device, "device");
        List<String> copy = List.copyOf(uidls);
        copy.forEach(JdbcMappingStore::checkUidl);
        return call("hide messages", c -> Jdbc.transaction(c, () -> {
            long id = Jdbc.lockMailbox(c, dialect, mailbox);
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hidden (mailbox_id, device, uidl, hidden_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (String uidl : copy) {
                    ps.setLong(1, id);
                    ps.setString(2, device);
                    ps.setString(3, uidl);
                    ps.setLong(4, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        }));
    }

    @Override
    public CompletableFuture<Set<String>> hidden(MailboxKey mailbox, String device) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(device, "device");
        return call("read hidden messages", c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT h.uidl FROM hidden h"
                    + " JOIN mailbox m ON m.id = h.mailbox_id"
                    + " WHERE m.upstream = ? AND m.username = ? AND m.name = ? AND h.device = ?")) {
                Jdbc.setKey(ps, mailbox);
                ps.setString(4, device);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return Set.copyOf(out);
        });
    }

    @Override
    public CompletableFuture<Void> learnSize(MailboxKey mailbox, long uidValidity, long uid, long size) {
        Objects.requireNonNull(mailbox, "mailbox");
        checkUidValidity(uidValidity);
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
        return call("record a learnt size", c -> Jdbc.transaction(c, () -> {
            long id = Jdbc.lockMailbox(c, dialect, mailbox);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO learnt_size"
                    + " (mailbox_id, uid_validity, uid, size, learnt_at) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (mailbox_id, uid_validity, uid)"
                    + " DO UPDATE SET size = excluded.size, learnt_at = excluded.learnt_at")) {
                ps.setLong(1, id);
                ps.setLong(2, uidValidity);
                ps.setLong(3, uid);
                ps.setLong(4, size);
                ps.setLong(5, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public CompletableFuture<Map<Long, Long>> sizes(MailboxKey mailbox, long uidValidity) {
        Objects.requireNonNull(mailbox, "mailbox");
        return call("read learnt sizes", c -> {
            Map<Long, Long> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.uid, s.size FROM learnt_size s"
                    + " JOIN mailbox m ON m.id = s.mailbox_id"
                    + " WHERE m.upstream = ? AND m.username = ? AND m.name = ? AND s.uid_validity = ?")) {
                Jdbc.setKey(ps, mailbox);
                ps.setLong(4, uidValidity);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            return Map.copyOf(out);
        });
    }

    @Override
    public CompletableFuture<java.time.Instant> firstLogin(MailboxKey mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        return call("record the first login", c -> {
            Long known = readFirstLogin(c, mailbox);
            if (known != null) {
                return java.time.Instant.ofEpochMilli(known); // the usual case: one read, no write
            }
            return Jdbc.transaction(c, () -> {
                long id = Jdbc.lockMailbox(c, dialect, mailbox);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO first_login (mailbox_id, first_login_at)"
                        + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                    ps.setLong(1, id);
                    ps.setLong(2, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                return java.time.Instant.ofEpochMilli(readFirstLogin(c, mailbox));
            });
        });
    }

    private static Long readFirstLogin(Connection c, MailboxKey mailbox) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT f.first_login_at FROM first_login f"
                + " JOIN mailbox m ON m.id = f.mailbox_id WHERE m.upstream = ? AND m.username = ? AND m.name = ?")) {
            Jdbc.setKey(ps, mailbox);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    @Override
    public CompletableFuture<Void> saveListing(MailboxKey mailbox, Listing listing) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(listing, "listing");
        return call("save a listing", c -> ListingRows.save(c, dialect, mailbox, listing));
    }

    @Override
    public CompletableFuture<java.util.Optional<Listing>> loadListing(MailboxKey mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        return call("load a listing", c -> ListingRows.load(c, mailbox));
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            connections.close();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> CompletableFuture<T> call(String what, Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    Connection c = connections.borrow();
                    try {
                        result.complete(work.run(c));
                    } finally {
                        connections.giveBack(c);
                    }
                } catch (SQLException e) {
                    result.completeExceptionally(new StoreException(
                            "mapping store (" + connections.describe() + "): could not " + what + ": " + e.getMessage(), e));
                } catch (StoreException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(new StoreException(
                            "mapping store (" + connections.describe() + "): could not " + what + ": " + e, e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new StoreException(executor.isShutdown()
                    ? "mapping store is closed"
                    : "mapping store overloaded: " + queueLimit + " calls already waiting"));
        }
        return result;
    }

    /** RFC 1939 section 7: 1 to 70 characters in the range 0x21 to 0x7E. */
    private static void checkUidl(String uidl) {
        if (uidl.isEmpty() || uidl.length() > 70 || !uidl.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
            throw new IllegalArgumentException("not a UIDL (RFC 1939: 1-70 characters 0x21-0x7E): " + uidl.length()
                    + " characters");
        }
    }

    private static void checkUidValidity(long uidValidity) {
        if (uidValidity < 1 || uidValidity > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("UIDVALIDITY out of range: " + uidValidity);
        }
    }

    /** For tests: every UIDL ever given out for the mailbox, one entry per row. */
    List<String> allUidls(MailboxKey mailbox) {
        return call("list UIDLs", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT u.uidl FROM uidl u JOIN mailbox m"
                    + " ON m.id = u.mailbox_id WHERE m.upstream = ? AND m.username = ? AND m.name = ?")) {
                Jdbc.setKey(ps, mailbox);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        }).join();
    }
}
