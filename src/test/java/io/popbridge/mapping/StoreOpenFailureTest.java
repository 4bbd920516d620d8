package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a store that cannot work fails at once with one message an admin can act on. */
class StoreOpenFailureTest {
    @TempDir
    Path dir;

    @Test
    void unreachablePostgresNamesTheDatabaseButNotThePassword() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/popbridge?password=s3cret";
        StoreConfig config = new StoreConfig.Postgres(url, "popbridge", "s3cret", 2, Duration.ofSeconds(1), 10);
        StoreException e = assertThrows(StoreException.class, () -> MappingStore.open(config));
        assertTrue(e.getMessage().startsWith("cannot reach the mapping store at postgresql:jdbc:postgresql://127.0.0.1:"
                + port + "/popbridge?… as user popbridge: "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void sqliteFileThatCannotBeCreatedNamesThePath() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Path db = notADirectory.resolve("popbridge.db");
        StoreException e = assertThrows(StoreException.class, () -> MappingStore.open(new StoreConfig.Sqlite(db)));
        assertTrue(e.getMessage().startsWith("cannot open the mapping store at sqlite:" + db.toAbsolutePath()),
                e.getMessage());
    }

    @Test
    void sqliteFileThatIsNotADatabaseIsReported() throws IOException {
        Path db = Files.writeString(dir.resolve("popbridge.db"), "this is not a database, but long enough to look like a header ".repeat(20));
        StoreException e = assertThrows(StoreException.class, () -> MappingStore.open(new StoreConfig.Sqlite(db)));
        assertTrue(e.getMessage().startsWith("cannot "), e.getMessage());
        assertTrue(e.getMessage().contains(db.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void callsBeyondTheQueueLimitFailFastInsteadOfQueueing() {
        List<MessageFacts> big = new ArrayList<>();
        for (int i = 1; i <= 20_000; i++) {
            big.add(new MessageFacts(i, 100, null, "<" + i + "@x>", Instant.EPOCH.plusSeconds(i)));
        }
        MailboxKey key = new MailboxKey("u", "alice", "INBOX");
        try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("q.db"), Duration.ofSeconds(5), 1))) {
            CompletableFuture<Assignment> running = store.assign(key, 1, big);
            List<CompletableFuture<Set<String>>> more = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                more.add(store.hidden(key, ""));
            }
            assertEquals(20_000, running.join().created());
            long overloaded = more.stream().filter(CompletableFuture::isCompletedExceptionally)
                    .map(f -> assertThrows(CompletionException.class, f::join).getCause())
                    .peek(e -> assertTrue(e instanceof StoreException, e.toString()))
                    .filter(e -> e.getMessage().startsWith("mapping store overloaded: 1 calls already waiting"))
                    .count();
            assertTrue(overloaded >= 1, "expected calls beyond the queue limit to fail fast");
        }
    }

    @Test
    void badSettingsAreRejectedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StoreConfig.Postgres("jdbc:mysql://x/y", "u", "p"));
        assertTrue(e.getMessage().startsWith("store.url"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new StoreConfig.Postgres("jdbc:postgresql://x/y", "u", "p", 0, Duration.ofSeconds(1), 1));
        assertEquals("store.pool-size must be 1..200, got 0", e.getMessage());
    }
}
