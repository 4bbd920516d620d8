package io.popbridge.mapping;

/** The few places where SQLite and PostgreSQL SQL differ; everything else is shared. */
enum Dialect {
    SQLITE("INTEGER PRIMARY KEY", "BLOB", "", null, null),
    // Several instances may migrate at once; the advisory lock lets one do it, the others then
    // find the schema current. The key is arbitrary but fixed.
    POSTGRESQL("BIGSERIAL PRIMARY KEY", "BYTEA", " FOR UPDATE", "SELECT pg_advisory_xact_lock(7236118372)",
            "ANALYZE uidl");

    private final String idColumn;
    private final String blobColumn;
    private final String forUpdate;
    private final String migrationLock;
    private final String refreshStatistics;

    Dialect(String idColumn, String blobColumn, String forUpdate, String migrationLock, String refreshStatistics) {
        this.refreshStatistics = refreshStatistics;
        this.idColumn = idColumn;
        this.blobColumn = blobColumn;
        this.forUpdate = forUpdate;
        this.migrationLock = migrationLock;
    }

    /** Replaces the placeholders of a migration script. */
    String expand(String sql) {
        return sql.replace("${id}", idColumn).replace("${blob}", blobColumn);
    }

    /**
     * Suffix that locks the selected rows until the transaction ends. SQLite needs none: its
     * write transactions start with BEGIN IMMEDIATE and so exclude each other.
     */
    String forUpdate() {
        return forUpdate;
    }

    /**
     * A statement run before updating many rows of a table that grew since autovacuum last saw
     * it: with stale statistics PostgreSQL may plan the key lookups of a batch UPDATE as scans,
     * which makes re-matching a large mailbox quadratic. Null where not needed.
     */
    String refreshStatistics() {
        return refreshStatistics;
    }

    /** A statement serialising migrations between instances, or null where the transaction does. */
    String migrationLock() {
        return migrationLock;
    }
}
