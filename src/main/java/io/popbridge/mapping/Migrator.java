package io.popbridge.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the schema version of this binary: numbered scripts
 * {@code db/migration/V1.sql}, {@code V2.sql}, … applied in order, all pending ones in one
 * transaction, each recorded in {@code schema_version}. A database newer than the binary is
 * refused, never touched.
 */
final class Migrator {
    private static final Logger log = LoggerFactory.getLogger(Migrator.class);
    private static final String RESOURCE = "db/migration/V%d.sql";

    private Migrator() {}

    /** The scripts shipped with this binary; the last one's number is the binary's version. */
    static List<String> scripts() {
        List<String> scripts = new ArrayList<>();
        ClassLoader loader = Migrator.class.getClassLoader();
        for (int v = 1; ; v++) {
            try (InputStream in = loader.getResourceAsStream(String.format(RESOURCE, v))) {
                if (in == null) {
                    return scripts;
                }
                scripts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Migrates and returns the resulting version.
     *
     * @param where names the database in messages (no password)
     */
    static int migrate(Connection c, Dialect dialect, String where) throws SQLException {
        List<String> scripts = scripts();
        int latest = scripts.size();
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                if (dialect.migrationLock() != null) {
                    st.execute(dialect.migrationLock());
                }
                st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
            }
            int current = currentVersion(c);
            if (current > latest) {
                throw new StoreException("the mapping store at " + where + " has schema version " + current
                        + ", newer than this popbridge supports (" + latest + "); refusing to start."
                        + " Run a popbridge release that supports schema " + current
                        + ", or restore a backup taken before the upgrade");
            }
            for (int v = current + 1; v <= latest; v++) {
                try (Statement st = c.createStatement()) {
                    for (String sql : statements(dialect.expand(scripts.get(v - 1)))) {
                        st.execute(sql);
                    }
                } catch (SQLException e) {
                    throw new SQLException("migration to schema " + v + " failed: " + e.getMessage(), e);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                    ps.setInt(1, v);
                    ps.setLong(2, System.currentTimeMillis());
                    ps.executeUpdate();
                }
            }
            c.commit();
            if (current < latest) {
                log.info("mapping store at {} migrated from schema {} to {}", where, current, latest);
            }
            return latest;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Splits a script at semicolons ending a line; drops comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String sql = cur.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }
}
