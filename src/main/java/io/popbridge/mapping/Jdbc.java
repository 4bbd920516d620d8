package io.popbridge.mapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** JDBC helpers shared by the store's operations. */
final class Jdbc {
    private Jdbc() {}

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction; rolls back on any failure. */
    static <T> T transaction(Connection c, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            // Back to auto-commit: sqlite-jdbc would otherwise hold a write transaction open.
            c.setAutoCommit(true);
        }
    }

    static void setKey(PreparedStatement ps, MailboxKey key) throws SQLException {
        ps.setString(1, key.upstream());
        ps.setString(2, key.user());
        ps.setString(3, key.mailbox());
    }

    /**
     * Creates the mailbox row if missing and locks it until the transaction ends; returns its id.
     * Must run inside a transaction.
     */
    static long lockMailbox(Connection c, Dialect dialect, MailboxKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO mailbox (upstream, username, name)"
                + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            setKey(ps, key);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM mailbox"
                + " WHERE upstream = ? AND username = ? AND name = ?" + dialect.forUpdate())) {
            setKey(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("mailbox row vanished while locking it");
                }
                return rs.getLong(1);
            }
        }
    }
}
