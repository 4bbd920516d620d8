package io.popbridge.mapping;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The listing store contract on PostgreSQL; skipped with the reason when it is not installed. */
class PostgresListingStoreTest extends ListingStoreContract {
    private static PostgresCluster cluster;
    private String database;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.get();
        if (cluster == null) {
            System.err.println("PostgreSQL listing store tests skipped: " + PostgresCluster.unavailableReason());
        }
    }

    @BeforeEach
    void createDatabase() throws SQLException {
        assumeTrue(cluster != null, () -> "PostgreSQL not available: " + PostgresCluster.unavailableReason());
        database = cluster.createDatabase();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        closeStores();
        if (database != null) {
            cluster.dropDatabase(database);
        }
    }

    @Override
    StoreConfig config() {
        return new StoreConfig.Postgres(cluster.url(database), "postgres", "");
    }

    @Override
    Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(cluster.url(database), "postgres", "");
    }
}
