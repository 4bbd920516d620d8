package io.popbridge.mapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link MappingStore#importUidls} on a store thread: under the mailbox row's lock (as
 * {@link UidlAssigner}), so that an import and a POP3 login at the same moment agree. Imported
 * rows are ordinary assignment rows (with the message's fingerprint), so {@code assign} gives
 * them out as known UIDLs and re-matches them after a UIDVALIDITY change like any other.
 */
final class UidlImport {
    private static final String DEVICE = "";

    private final Dialect dialect;

    UidlImport(Dialect dialect) {
        this.dialect = dialect;
    }

    ImportResult run(Connection c, MailboxKey key, long uidValidity, List<ImportedUidl> entries) throws SQLException {
        return Jdbc.transaction(c, () -> {
            long mailboxId = Jdbc.lockMailbox(c, dialect, key);
            Map<Long, String> byUid = new HashMap<>();
            Map<String, Long> uidlOwners = new HashMap<>(); // UIDL -> UID under uidValidity, or -1 elsewhere
            try (PreparedStatement ps = c.prepareStatement("SELECT uidl, uid_validity, uid FROM uidl"
                    + " WHERE mailbox_id = ? AND device = ?")) {
                ps.setLong(1, mailboxId);
                ps.setString(2, DEVICE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean current = rs.getLong(2) == uidValidity;
                        uidlOwners.put(rs.getString(1), current ? rs.getLong(3) : -1L);
                        if (current) {
                            byUid.put(rs.getLong(3), rs.getString(1));
                        }
                    }
                }
            }
            List<ImportedUidl> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparingLong(e -> e.facts().uid()));
            List<ImportedUidl> stored = new ArrayList<>();
            List<ImportedUidl> unchanged = new ArrayList<>();
            List<ImportResult.Conflict> conflicts = new ArrayList<>();
            for (ImportedUidl e : sorted) {
                long uid = e.facts().uid();
                String existing = byUid.get(uid);
                if (e.uidl().equals(existing)) {
                    unchanged.add(e);
                } else if (existing != null) {
                    conflicts.add(new ImportResult.Conflict(e, ImportResult.Reason.UID_HAS_ANOTHER_UIDL, existing));
                } else if (uidlOwners.containsKey(e.uidl())) {
                    conflicts.add(new ImportResult.Conflict(e, ImportResult.Reason.UIDL_BELONGS_TO_ANOTHER_MESSAGE, null));
                } else {
                    byUid.put(uid, e.uidl());
                    uidlOwners.put(e.uidl(), uid);
                    stored.add(e);
                }
            }
            insert(c, mailboxId, uidValidity, stored);
            return new ImportResult(stored, unchanged, conflicts);
        });
    }

    private static void insert(Connection c, long mailboxId, long uidValidity, List<ImportedUidl> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO uidl (mailbox_id, device, uidl, uid_validity,"
                + " uid, stable_id, header_fp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int n = 0;
            for (ImportedUidl r : rows) {
                Fingerprint fp = Fingerprint.of(r.facts());
                ps.setLong(1, mailboxId);
                ps.setString(2, DEVICE);
                ps.setString(3, r.uidl());
                ps.setLong(4, uidValidity);
                ps.setLong(5, r.facts().uid());
                ps.setString(6, fp.stableId());
                ps.setString(7, fp.header());
                ps.setLong(8, now);
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }
}
