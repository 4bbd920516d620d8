package io.popbridge.mapping;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The listing store contract on the embedded SQLite store. */
class SqliteListingStoreTest extends ListingStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreConfig config() {
        return new StoreConfig.Sqlite(dir.resolve("data/popbridge.db"));
    }

    @Override
    Connection rawConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/popbridge.db"));
    }
}
