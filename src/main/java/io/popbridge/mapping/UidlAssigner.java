package io.popbridge.mapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The UIDL assignment algorithm of {@link MappingStore#assign}, run on a store thread.
 *
 * <p>A repeat listing is answered from one read. Anything new takes the mailbox row's lock
 * (PostgreSQL {@code FOR UPDATE}; SQLite's single writer) and re-reads before deciding, so that
 * instances assigning the same mailbox at once agree: the second one finds the first one's rows.
 * The table's unique keys are the last line of defence, never the mechanism.
 */
final class UidlAssigner {
    private static final String DEVICE = "";

    private final Dialect dialect;

    UidlAssigner(Dialect dialect) {
        this.dialect = dialect;
    }

    private record Row(String uidl, long uidValidity, long uid, String stableId, String header) {}

    private record Rematch(String uidl, MessageFacts facts, Fingerprint fp) {}

    Assignment assign(Connection c, MailboxKey key, long uidValidity, List<MessageFacts> facts) throws SQLException {
        Map<Long, String> known = knownUids(c, key, uidValidity);
        if (facts.stream().allMatch(f -> known.containsKey(f.uid()))) {
            Map<Long, String> out = new HashMap<>(facts.size() * 2);
            for (MessageFacts f : facts) {
                out.put(f.uid(), known.get(f.uid()));
            }
            return new Assignment(out, facts.size(), 0, 0);
        }
        return Jdbc.transaction(c, () -> assignLocked(c, key, uidValidity, facts));
    }

    private Assignment assignLocked(Connection c, MailboxKey key, long uidValidity, List<MessageFacts> facts)
            throws SQLException {
        long mailboxId = Jdbc.lockMailbox(c, dialect, key);
        Map<Long, String> current = new HashMap<>();
        Set<String> used = new HashSet<>();
        List<Row> candidates = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT uidl, uid_validity, uid, stable_id, header_fp"
                + " FROM uidl WHERE mailbox_id = ? AND device = ?")) {
            ps.setLong(1, mailboxId);
            ps.setString(2, DEVICE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5));
                    used.add(r.uidl());
                    if (r.uidValidity() == uidValidity) {
                        current.put(r.uid(), r.uidl());
                    } else {
                        candidates.add(r);
                    }
                }
            }
        }
        // Equal fingerprints are matched oldest first, in UID order on both sides.
        candidates.sort(Comparator.comparingLong(Row::uidValidity).thenComparingLong(Row::uid));
        Map<String, ArrayDeque<Row>> byStable = new HashMap<>();
        Map<String, ArrayDeque<Row>> byHeader = new HashMap<>();
        for (Row r : candidates) {
            if (r.stableId() != null) {
                byStable.computeIfAbsent(r.stableId(), k -> new ArrayDeque<>()).add(r);
            }
            if (r.header() != null) {
                byHeader.computeIfAbsent(r.header(), k -> new ArrayDeque<>()).add(r);
            }
        }
        List<MessageFacts> sorted = new ArrayList<>(facts);
        sorted.sort(Comparator.comparingLong(MessageFacts::uid));

        Map<Long, String> out = new LinkedHashMap<>(facts.size() * 2);
        Set<Row> taken = new HashSet<>();
        List<Rematch> rematches = new ArrayList<>();
        List<Rematch> created = new ArrayList<>();
        int knownCount = 0;
        for (MessageFacts f : sorted) {
            String uidl = current.get(f.uid());
            if (uidl != null) {
                out.put(f.uid(), uidl);
                knownCount++;
                continue;
            }
            Fingerprint fp = Fingerprint.of(f);
            Row match = take(byStable, fp.stableId(), taken);
            if (match == null) {
                match = take(byHeader, fp.header(), taken);
            }
            if (match != null) {
                rematches.add(new Rematch(match.uidl(), f, fp));
                out.put(f.uid(), match.uidl());
                continue;
            }
            String base = String.format("%08x%08x", f.uid(), uidValidity);
            uidl = base;
            // Only an imported or otherwise foreign UIDL can collide with the default format,
            // which is unique per (uid, uidvalidity); a suffix keeps both messages apart.
            for (int n = 1; used.contains(uidl); n++) {
                uidl = base + "-" + n;
            }
            used.add(uidl);
            created.add(new Rematch(uidl, f, fp));
            out.put(f.uid(), uidl);
        }
        if (rematches.size() > 1000 && dialect.refreshStatistics() != null) {
            try (var st = c.createStatement()) {
                st.execute(dialect.refreshStatistics());
            }
        }
        writeRematches(c, mailboxId, uidValidity, rematches);
        insertNew(c, mailboxId, uidValidity, created);
        return new Assignment(out, knownCount, rematches.size(), created.size());
    }

    private static Row take(Map<String, ArrayDeque<Row>> index, String key, Set<Row> taken) {
        if (key == null) {
            return null;
        }
        ArrayDeque<Row> rows = index.get(key);
        while (rows != null && !rows.isEmpty()) {
            Row r = rows.poll();
            if (taken.add(r)) {
                return r;
            }
        }
        return null;
    }

    static Map<Long, String> knownUids(Connection c, MailboxKey key, long uidValidity) throws SQLException {
        Map<Long, String> known = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT u.uid, u.uidl FROM uidl u"
                + " JOIN mailbox m ON m.id = u.mailbox_id"
                + " WHERE m.upstream = ? AND m.username = ? AND m.name = ? AND u.device = ? AND u.uid_validity = ?")) {
            Jdbc.setKey(ps, key);
            ps.setString(4, DEVICE);
            ps.setLong(5, uidValidity);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return known;
    }

    private static void writeRematches(Connection c, long mailboxId, long uidValidity, List<Rematch> rematches)
            throws SQLException {
        if (rematches.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE uidl SET uid_validity = ?, uid = ?,"
                + " stable_id = ?, header_fp = ? WHERE mailbox_id = ? AND device = ? AND uidl = ?")) {
            int n = 0;
            for (Rematch r : rematches) {
                ps.setLong(1, uidValidity);
                ps.setLong(2, r.facts().uid());
                ps.setString(3, r.fp().stableId());
                ps.setString(4, r.fp().header());
                ps.setLong(5, mailboxId);
                ps.setString(6, DEVICE);
                ps.setString(7, r.uidl());
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void insertNew(Connection c, long mailboxId, long uidValidity, List<Rematch> created)
            throws SQLException {
        if (created.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO uidl (mailbox_id, device, uidl, uid_validity,"
                + " uid, stable_id, header_fp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int n = 0;
            for (Rematch r : created) {
                ps.setLong(1, mailboxId);
                ps.setString(2, DEVICE);
                ps.setString(3, r.uidl());
                ps.setLong(4, uidValidity);
                ps.setLong(5, r.facts().uid());
                ps.setString(6, r.fp().stableId());
                ps.setString(7, r.fp().header());
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
