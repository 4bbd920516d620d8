package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listing table and {@link ListingCache} on top of it; one subclass per database. */
abstract class ListingStoreContract {
    static final MailboxKey INBOX = new MailboxKey("hosting", "alice@example.org", "INBOX");
    static final MailboxKey OTHER = new MailboxKey("hosting", "bob@example.org", "INBOX");

    private final List<MappingStore> opened = new ArrayList<>();

    abstract StoreConfig config();

    abstract Connection rawConnection() throws SQLException;

    MappingStore open() {
        MappingStore store = MappingStore.open(config());
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MappingStore::close);
        opened.clear();
    }

    static Listing large(int messages, long modSeq) {
        Listing.Builder b = new Listing.Builder(3857529045L, "$POP3Deleted").highestModSeq(modSeq).uidNext(messages * 2L + 7);
        for (int i = 1; i <= messages; i++) {
            long uid = i * 2L + (i % 7 == 0 ? 1 : 0);
            b.put(uid, 1000 + (i * 37L) % 500_000, i % 50 == 0 ? Listing.HIDDEN : i % 333 == 0 ? Listing.DELETED : 0,
                    i % 3 == 0 ? null : String.format("%08x%08x", uid, 3857529045L),
                    i % 11 == 0 ? 0 : 1_700_000_000L + i * 61L - (i % 5 == 0 ? 86_400 : 0));
        }
        return b.build();
    }

    @Test
    void aHundredThousandMessageListingSurvivesARestart() {
        Listing listing = large(100_000, 715194045007L);
        try (MappingStore store = MappingStore.open(config())) {
            assertEquals(Optional.empty(), store.loadListing(INBOX).join());
            store.saveListing(INBOX, listing).join();
        }
        MappingStore reopened = open();
        Listing loaded = reopened.loadListing(INBOX).join().orElseThrow();
        assertEquals(listing, loaded);
        assertTrue(loaded.sameMessages(listing));
        assertEquals(Optional.empty(), reopened.loadListing(OTHER).join());
    }

    @Test
    void aSaveReplacesTheMailboxsListingOnly() {
        MappingStore store = open();
        store.saveListing(INBOX, large(10, 5)).join();
        store.saveListing(OTHER, large(20, 6)).join();
        Listing newer = large(11, 9);
        store.saveListing(INBOX, newer).join();
        assertEquals(newer, store.loadListing(INBOX).join().orElseThrow());
        assertEquals(large(20, 6), store.loadListing(OTHER).join().orElseThrow());
    }

    @Test
    void anUnreadableRowIsTreatedAsAbsentAndReplaced() throws SQLException {
        MappingStore store = open();
        store.saveListing(INBOX, large(10, 5)).join();
        try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement("UPDATE listing SET data = ?")) {
            ps.setBytes(1, new byte[] {1, 2, 3});
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(Optional.empty(), store.loadListing(INBOX).join());
        store.saveListing(INBOX, large(12, 6)).join();
        assertEquals(large(12, 6), store.loadListing(INBOX).join().orElseThrow());
    }

    @Test
    void aListingStoredInTheOldFormatWithoutDatesIsTreatedAsAbsentAndReplaced() throws SQLException {
        MappingStore store = open();
        store.saveListing(INBOX, large(10, 5)).join();
        try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement("UPDATE listing SET data = ?")) {
            ps.setBytes(1, ListingCodecTest.encodeFormat1(large(10, 5)));
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(Optional.empty(), store.loadListing(INBOX).join());
        store.saveListing(INBOX, large(12, 6)).join();
        assertEquals(large(12, 6), store.loadListing(INBOX).join().orElseThrow());
    }

    @Test
    void cacheServesFromMemoryThenStoreAndSavesOnlyChanges() throws SQLException {
        MappingStore store = open();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ListingCache cache = new ListingCache(store, 1_000_000, registry);
        assertEquals(Optional.empty(), cache.get(INBOX).join());
        Listing first = large(1000, 10);
        cache.put(INBOX, first).join();
        assertEquals(first, cache.get(INBOX).join().orElseThrow());
        assertEquals(1, cache.stats().hitCount());

        cache.put(INBOX, large(1000, 10)).join(); // equal: not written
        assertEquals(1.0, registry.get("popbridge.listing.store").tag("op", "save").counter().count());
        assertEquals(1.0, registry.get("popbridge.listing.store").tag("op", "skip").counter().count());
        assertTrue(registry.get("cache.gets").tag("cache", "listing").tag("result", "hit").functionCounter().count() >= 1);

        // a restart: a new cache on the same store finds the listing and, unchanged, writes nothing
        clearSavedAt();
        ListingCache restarted = new ListingCache(store, 1_000_000, null);
        assertEquals(first, restarted.get(INBOX).join().orElseThrow());
        restarted.put(INBOX, large(1000, 10)).join();
        assertEquals(0, savedAt(), "an unchanged listing is not written again");
        Listing changed = large(1001, 11);
        restarted.put(INBOX, changed).join();
        assertTrue(savedAt() > 0);
        assertEquals(changed, store.loadListing(INBOX).join().orElseThrow());
    }

    @Test
    void memoryIsBoundedByMessages() {
        ListingCache cache = new ListingCache(null, 2500, null);
        for (int i = 0; i < 10; i++) {
            cache.put(new MailboxKey("u", "user" + i, "INBOX"), large(1000, 1)).join();
        }
        cache.cleanUp();
        assertTrue(cache.estimatedSize() <= 2, "entries held: " + cache.estimatedSize());
        assertFalse(cache.stats().evictionCount() == 0);
    }

    private void clearSavedAt() throws SQLException {
        try (Connection c = rawConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE listing SET saved_at = 0");
        }
    }

    private long savedAt() throws SQLException {
        try (Connection c = rawConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT MAX(saved_at) FROM listing")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
