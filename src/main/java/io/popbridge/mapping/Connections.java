package io.popbridge.mapping;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/** Where the store's connections come from: one SQLite connection, or a PostgreSQL pool. */
abstract class Connections {

    abstract Dialect dialect();

    /** Names the database in messages and logs; never contains a password. */
    abstract String describe();

    abstract Connection borrow() throws SQLException;

    abstract void giveBack(Connection c) throws SQLException;

    abstract void close();

    /** SQLite's primary result code for a lock held by another connection. */
    private static final int SQLITE_BUSY = 5;

    static Connections sqlite(StoreConfig.Sqlite config) {
        Path file = config.file().toAbsolutePath();
        String where = "sqlite:" + file;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            SQLiteConfig sc = new SQLiteConfig();
            sc.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sc.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
            // Write transactions take the write lock at BEGIN, so two of them (two processes on
            // one file) queue on the busy timeout instead of failing on lock upgrade.
            sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            sc.enforceForeignKeys(true);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, sc.toProperties());
            // WAL is switched on only now that the busy timeout is in force: sqlite-jdbc applies
            // journal_mode from the config before busy_timeout, so two instances opening a new
            // file together could fail at once with SQLITE_BUSY instead of waiting.
            // Switching the journal mode needs an exclusive lock, and SQLite may answer SQLITE_BUSY
            // at once without its busy handler while another instance does the same: retry until
            // the busy timeout has passed.
            long deadline = System.nanoTime() + config.busyTimeout().toNanos();
            while (true) {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=WAL");
                    break;
                } catch (SQLException e) {
                    if ((e.getErrorCode() & 0xFF) != SQLITE_BUSY || System.nanoTime() > deadline) {
                        c.close();
                        throw e;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    c.close();
                    throw new SQLException("interrupted while waiting for the store's lock", e);
                }
            }
            return new Single(c, where);
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot open the mapping store at " + where + ": " + e.getMessage(), e);
        }
    }

    static Connections postgres(StoreConfig.Postgres config) {
        String where = "postgresql:" + config.redactedUrl() + " as user " + config.user();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("popbridge-store");
        hc.setJdbcUrl(config.url());
        hc.setUsername(config.user());
        hc.setPassword(config.password());
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        hc.setConnectionTimeout(config.connectTimeout().toMillis());
        hc.setInitializationFailTimeout(config.connectTimeout().toMillis());
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("ApplicationName", "popbridge");
        hc.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, config.connectTimeout().toSeconds())));
        try {
            return new Pooled(new HikariDataSource(hc), where);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new StoreException("cannot reach the mapping store at " + where + ": " + root.getMessage(), e);
        }
    }

    private static final class Single extends Connections {
        private final Connection connection;
        private final String where;

        Single(Connection connection, String where) {
            this.connection = connection;
            this.where = where;
        }

        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }

        @Override
        String describe() {
            return where;
        }

        @Override
        Connection borrow() {
            // Only the store's single thread (and open(), before it starts) uses the connection.
            return connection;
        }

        @Override
        void giveBack(Connection c) {}

        @Override
        void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // Closing after a failure; the failure itself has been reported.
            }
        }
    }

    private static final class Pooled extends Connections {
        private final HikariDataSource pool;
        private final String where;

        Pooled(HikariDataSource pool, String where) {
            this.pool = pool;
            this.where = where;
        }

        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }

        @Override
        String describe() {
            return where;
        }

        @Override
        Connection borrow() throws SQLException {
            return pool.getConnection();
        }

        @Override
        void giveBack(Connection c) throws SQLException {
            c.close();
        }

        @Override
        void close() {
            pool.close();
        }
    }
}
