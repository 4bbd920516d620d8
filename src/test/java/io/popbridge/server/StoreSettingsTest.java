package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The store: and mapping: sections, and opening the store at start-up. */
class StoreSettingsTest {

    private static final String URL = "upstream:\n  url: imaps://mail.example.com\n";

    @TempDir
    Path dir;

    private static ServerConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(URL + yaml, "t.yaml", ConfigLoader.Overrides.NONE);
    }

    @Test
    void defaultIsSqliteInTheDataDirectory() throws Exception {
        ServerConfig config = parse("data-dir: /var/lib/popbridge\n");
        assertEquals(new StoreConfig.Sqlite(Path.of("/var/lib/popbridge/popbridge.db")), config.store());
        assertEquals("#", config.mapping().deviceSeparator());
        assertEquals(io.popbridge.bridge.MappingOptions.DEFAULT_LISTING_CACHE_MESSAGES,
                config.mapping().listingCacheMaxMessages());
    }

    @Test
    void listingCacheBoundAndOff() throws Exception {
        assertEquals(5000, parse("mapping:\n  listing-cache:\n    max-messages: 5000\n").mapping()
                .listingCacheMaxMessages());
        assertEquals(0, parse("mapping:\n  listing-cache:\n    max-messages: 0\n").mapping()
                .listingCacheMaxMessages());
    }

    @Test
    void sqliteWithPathAndQueueLimit() throws Exception {
        StoreConfig store = parse("store:\n  type: sqlite\n  path: /srv/pb/map.db\n  queue-limit: 50\n").store();
        assertEquals(new StoreConfig.Sqlite(Path.of("/srv/pb/map.db"), Duration.ofSeconds(10), 50), store);
    }

    @Test
    void postgresqlWithPasswordFile() throws Exception {
        Path secret = dir.resolve("pw");
        Files.writeString(secret, "s3cret\n");
        StoreConfig store = parse("store:\n  type: postgresql\n  url: jdbc:postgresql://db:5432/pb\n  user: pb\n"
                + "  password-file: " + secret + "\n  pool-size: 4\n  connect-timeout: 2s\n").store();
        StoreConfig.Postgres pg = (StoreConfig.Postgres) store;
        assertEquals("s3cret", pg.password());
        assertEquals(4, pg.poolSize());
        assertEquals(Duration.ofSeconds(2), pg.connectTimeout());
        assertFalse(pg.toString().contains("s3cret"));
    }

    @Test
    void windowsWithPerUserOverridesInheritingUnsetKeys() throws Exception {
        io.popbridge.bridge.MappingOptions mapping = parse("mapping:\n  window:\n    newest: 100\n"
                + "    younger-than-days: 30\n  users:\n    - user: Scanner@Example.com\n      from-now-on: true\n"
                + "    - user: bob\n      newest: 0\n").mapping();
        assertEquals(new io.popbridge.bridge.MappingOptions.Window(100, 30, false), mapping.window());
        assertEquals(new io.popbridge.bridge.MappingOptions.Window(100, 30, true), mapping.users().get("scanner@example.com"));
        assertEquals(new io.popbridge.bridge.MappingOptions.Window(0, 30, false), mapping.users().get("bob"));
    }

    @Test
    void emptyDeviceSeparatorDisablesDevices() throws Exception {
        assertEquals("", parse("mapping:\n  device-separator: \"\"\n").mapping().deviceSeparator());
        assertEquals("+", parse("mapping:\n  device-separator: \"+\"\n").mapping().deviceSeparator());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "store:\\n  type: mysql\\n | store.type",
        "store:\\n  type: postgresql\\n  user: pb\\n | store.url",
        "store:\\n  type: postgresql\\n  url: jdbc:postgresql://db/pb\\n | store.user",
        "store:\\n  type: postgresql\\n  url: jdbc:mysql://db/pb\\n  user: pb\\n | store.url",
        "store:\\n  type: postgresql\\n  url: jdbc:postgresql://db/pb?password=x\\n  user: pb\\n | store.url",
        "store:\\n  type: postgresql\\n  url: jdbc:postgresql://db/pb\\n  user: pb\\n  pool-size: 0\\n | store.pool-size",
        "store:\\n  type: postgresql\\n  url: jdbc:postgresql://db/pb\\n  user: pb\\n  password-file: /nonexistent/pw\\n | store.password-file",
        "store:\\n  type: sqlite\\n  url: jdbc:postgresql://db/pb\\n | store.url",
        "store:\\n  queue-limit: 0\\n | store.queue-limit",
        "store:\\n  bogus: 1\\n | store.bogus",
        "mapping:\\n  device-separator: \"a b\"\\n | mapping.device-separator",
        "mapping:\\n  window:\\n    newest: -1\\n | mapping.window.newest",
        "mapping:\\n  window:\\n    from-now-on: yes please\\n | mapping.window.from-now-on",
        "mapping:\\n  users:\\n    - newest: 3\\n | mapping.users[0].user",
        "mapping:\\n  users:\\n    - user: a\\n    - user: A\\n | mapping.users[1].user",
        "mapping:\\n  listing-cache:\\n    max-messages: -1\\n | mapping.listing-cache.max-messages",
        "mapping:\\n  listing-cache:\\n    size: 10\\n | mapping.listing-cache.size",
        "mapping:\\n  listing-cache: 10\\n | mapping.listing-cache",
    })
    void badStoreSettingsNameTheKey(String yaml, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml.replace("\\n", "\n")));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void storeOpensInTheDataDirectoryWhichIsCreated() throws Exception {
        ServerConfig config = parse("data-dir: " + dir.resolve("new/data") + "\n");
        try (MappingStore store = Main.openStore(config)) {
            assertTrue(store.schemaVersion() >= 1);
        }
        assertTrue(Files.exists(dir.resolve("new/data/popbridge.db")));
    }

    @Test
    void unusableStoreFailsStartUpInOneLineNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("file"), "not a directory");
        ServerConfig config = parse("store:\n  path: " + dir.resolve("file/popbridge.db") + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Main.openStore(config));
        assertTrue(e.getMessage().startsWith("store"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Path garbage = dir.resolve("garbage.db");
        Files.writeString(garbage, "this is not an SQLite database, just text long enough to be read as one....");
        ServerConfig bad = parse("store:\n  path: " + garbage + "\n");
        ConfigException e2 = assertThrows(ConfigException.class, () -> Main.openStore(bad));
        assertTrue(e2.getMessage().startsWith("store"), e2.getMessage());
        assertFalse(e2.getMessage().contains("\n"));
    }

    @Test
    void cliExitsWithTheConfigStatusWhenTheStoreCannotBeOpened() throws Exception {
        Files.writeString(dir.resolve("file"), "not a directory");
        Path config = dir.resolve("popbridge.yaml");
        Files.writeString(config, "upstream:\n  url: imap://127.0.0.1:1\ndata-dir: " + dir.resolve("data")
                + "\nadmin:\n  enabled: false\nstore:\n  path: " + dir.resolve("file/popbridge.db") + "\n");
        java.io.StringWriter err = new java.io.StringWriter();
        int status = Cli.run(new String[] {"--config", config.toString()}, new Main(),
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertEquals(Cli.EXIT_USAGE, status, err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("popbridge: store.path: "), err.toString());
    }
}
