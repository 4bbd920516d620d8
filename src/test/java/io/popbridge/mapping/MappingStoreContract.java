package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link MappingStore} implementation must show; one subclass per database. */
abstract class MappingStoreContract {
    static final MailboxKey INBOX = new MailboxKey("hosting", "alice@example.org", "INBOX");
    static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    private final List<MappingStore> opened = new ArrayList<>();

    /** The configuration of this test's database, the same on every call within a test. */
    abstract StoreConfig config();

    /** A plain connection to this test's database, bypassing the store. */
    abstract Connection rawConnection() throws SQLException;

    MappingStore open() {
        MappingStore store = MappingStore.open(config());
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MappingStore::close);
    }

    static MessageFacts msg(long uid, int n) {
        return new MessageFacts(uid, 1000 + n, null, "<m" + n + "@example.org>", T0.plusSeconds(n));
    }

    static String defaultUidl(long uid, long uidValidity) {
        return String.format("%08x%08x", uid, uidValidity);
    }

    @Test
    void knownReadsWhatAssignGaveOutUnderThatUidValidityOnly() throws Exception {
        MappingStore store = open();
        assertEquals(java.util.Map.of(), store.known(INBOX, 7).get());
        Assignment a = store.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2))).get();
        assertEquals(a.uidls(), store.known(INBOX, 7).get());
        assertEquals(java.util.Map.of(), store.known(INBOX, 8).get());
    }

    @Test
    void firstLoginIsRecordedOnceAndSurvivesReopening() throws Exception {
        MappingStore store = open();
        Instant first = store.firstLogin(INBOX).get();
        Thread.sleep(5);
        assertEquals(first, store.firstLogin(INBOX).get());
        store.close();
        opened.remove(store);
        assertEquals(first, open().firstLogin(INBOX).get(), "kept in the database");
        Instant other = open().firstLogin(new MailboxKey("hosting", "bob@example.org", "INBOX")).get();
        assertTrue(!other.isBefore(first), "each mailbox has its own");
    }

    @Test
    void migrationFromEmptyCreatesTheCurrentSchema() throws SQLException {
        MappingStore store = open();
        assertEquals(Migrator.scripts().size(), store.schemaVersion());
        try (Connection c = rawConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT COUNT(*) FROM schema_version")) {
            rs.next();
            assertEquals(Migrator.scripts().size(), rs.getInt(1));
        }
    }

    @Test
    void reopeningMigratesNothingAndKeepsData() {
        MappingStore first = open();
        Assignment a = first.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2))).join();
        first.close();
        MappingStore second = open();
        assertEquals(first.schemaVersion(), second.schemaVersion());
        Assignment b = second.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2))).join();
        assertEquals(a.uidls(), b.uidls());
        assertEquals(2, b.known());
    }

    @Test
    void instancesStartingTogetherMigrateOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<MappingStore>> starts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                starts.add(pool.submit(this::open));
            }
            for (Future<MappingStore> f : starts) {
                assertEquals(Migrator.scripts().size(), f.get().schemaVersion());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = rawConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT COUNT(*) FROM schema_version")) {
            rs.next();
            assertEquals(Migrator.scripts().size(), rs.getInt(1));
        }
    }

    @Test
    void schemaNewerThanTheBinaryIsRefusedNamingBothVersions() throws SQLException {
        open().close();
        try (Connection c = rawConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, 0)")) {
            ps.setInt(1, 99);
            ps.executeUpdate();
        }
        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("supports (" + Migrator.scripts().size() + ")"), e.getMessage());
    }

    @Test
    void newMessagesGetDovecotStyleUidlsStableAcrossReopen() {
        MappingStore store = open();
        Assignment a = store.assign(INBOX, 0x5f00aa01L, List.of(msg(1, 1), msg(0xabc, 2))).join();
        assertEquals(Map.of(1L, "000000015f00aa01", 0xabcL, "00000abc5f00aa01"), a.uidls());
        assertEquals(2, a.created());
        store.close();
        Assignment b = open().assign(INBOX, 0x5f00aa01L, List.of(msg(0xabc, 2), msg(1, 1), msg(3, 3))).join();
        assertEquals(a.uidls().get(1L), b.uidls().get(1L));
        assertEquals(a.uidls().get(0xabcL), b.uidls().get(0xabcL));
        assertEquals(defaultUidl(3, 0x5f00aa01L), b.uidls().get(3L));
        assertEquals(2, b.known());
        assertEquals(1, b.created());
    }

    @Test
    void uidValidityChangeKeepsUidlsAndNewMessagesGetNewOnes() {
        MappingStore store = open();
        Map<Long, String> before = store.assign(INBOX, 100, List.of(msg(1, 1), msg(2, 2), msg(3, 3))).join().uidls();
        // Recreated mailbox: the same messages under new UIDs, one of them gone, one new message.
        Assignment after = store.assign(INBOX, 200, List.of(msg(10, 1), msg(11, 3), msg(12, 4))).join();
        assertEquals(before.get(1L), after.uidls().get(10L));
        assertEquals(before.get(3L), after.uidls().get(11L));
        assertEquals(defaultUidl(12, 200), after.uidls().get(12L));
        assertEquals(2, after.rematched());
        assertEquals(1, after.created());
        // The message that went away may come back later and still keeps its UIDL.
        Assignment later = store.assign(INBOX, 200, List.of(msg(10, 1), msg(11, 3), msg(12, 4), msg(13, 2))).join();
        assertEquals(before.get(2L), later.uidls().get(13L));
        assertEquals(1, later.rematched());
        assertEquals(3, later.known());
    }

    @Test
    void stableServerIdWinsOverHeaders() {
        MappingStore store = open();
        MessageFacts a = new MessageFacts(1, 500, "M1", "<same@x>", T0);
        MessageFacts b = new MessageFacts(2, 500, "M2", "<same@x>", T0);
        Map<Long, String> before = store.assign(INBOX, 1, List.of(a, b)).join().uidls();
        Assignment after = store.assign(INBOX, 2, List.of(
                new MessageFacts(5, 500, "M2", "<same@x>", T0), new MessageFacts(6, 500, "M1", "<same@x>", T0))).join();
        assertEquals(before.get(2L), after.uidls().get(5L));
        assertEquals(before.get(1L), after.uidls().get(6L));
    }

    @Test
    void moveToAServerWithOtherIdsMatchesByHeaders() {
        MappingStore store = open();
        Map<Long, String> before = store.assign(INBOX, 1,
                List.of(new MessageFacts(1, 500, "old-1", "<a@x>", T0))).join().uidls();
        Assignment after = store.assign(INBOX, 9,
                List.of(new MessageFacts(4, 500, "new-77", "<a@x>", T0))).join();
        assertEquals(before.get(1L), after.uidls().get(4L));
    }

    @Test
    void duplicateFingerprintsAreMatchedInOrderAndNeverTwice() {
        MappingStore store = open();
        MessageFacts copy = msg(1, 1);
        Map<Long, String> before = store.assign(INBOX, 1, List.of(copy, withUid(copy, 2))).join().uidls();
        Assignment after = store.assign(INBOX, 2,
                List.of(withUid(copy, 12), withUid(copy, 11), withUid(copy, 13))).join();
        assertEquals(before.get(1L), after.uidls().get(11L));
        assertEquals(before.get(2L), after.uidls().get(12L));
        assertEquals(defaultUidl(13, 2), after.uidls().get(13L));
        assertEquals(2, after.rematched());
        assertEquals(1, after.created());
    }

    @Test
    void messagesWithoutADateOrIdAreNeverRematched() {
        MappingStore store = open();
        store.assign(INBOX, 1, List.of(new MessageFacts(1, 10, null, null, null))).join();
        Assignment after = store.assign(INBOX, 2, List.of(new MessageFacts(1, 10, null, null, null))).join();
        assertEquals(defaultUidl(1, 2), after.uidls().get(1L));
        assertEquals(0, after.rematched());
    }

    @Test
    void aForeignUidlInTheDefaultFormatIsNotReused() throws SQLException {
        MappingStore store = open();
        store.assign(INBOX, 1, List.of(msg(1, 1))).join();
        // As an import of an old POP3 server's UIDLs might leave behind.
        try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO uidl (mailbox_id, device, uidl, uid_validity, uid, created_at)"
                        + " SELECT id, '', ?, 999, 77, 0 FROM mailbox")) {
            ps.setString(1, defaultUidl(5, 300));
            ps.executeUpdate();
        }
        Assignment a = store.assign(INBOX, 300, List.of(msg(5, 5))).join();
        assertEquals(defaultUidl(5, 300) + "-1", a.uidls().get(5L));
    }

    @Test
    void uidlsStayUniqueThroughManyUidValidityChanges() {
        MappingStore store = open();
        Random random = new Random(42);
        List<Integer> mailbox = new ArrayList<>();
        int next = 0;
        for (long uv = 1; uv <= 12; uv++) {
            // Some messages go, some arrive (a few as duplicates of existing ones), UIDs renumbered.
            mailbox.removeIf(n -> random.nextInt(6) == 0);
            for (int i = 0; i < 20; i++) {
                mailbox.add(random.nextInt(4) == 0 && next > 0 ? random.nextInt(next) : next++);
            }
            List<MessageFacts> listing = new ArrayList<>();
            for (int i = 0; i < mailbox.size(); i++) {
                listing.add(msg(i + 1, mailbox.get(i)));
            }
            Collections.shuffle(listing, random);
            Map<Long, String> uidls = store.assign(INBOX, uv, listing).join().uidls();
            assertEquals(listing.size(), new HashSet<>(uidls.values()).size(), "a UIDL given to two messages");
        }
        List<String> all = ((JdbcMappingStore) store).allUidls(INBOX);
        assertEquals(all.size(), new HashSet<>(all).size());
    }

    @Test
    void hundredThousandMessagesAreAssignedInOneBatch() {
        MappingStore store = open();
        List<MessageFacts> big = new ArrayList<>();
        List<MessageFacts> moved = new ArrayList<>();
        for (int i = 1; i <= 100_000; i++) {
            big.add(msg(i, i));
            moved.add(withUid(msg(i, i), i + 500_000));
        }
        Assignment first = store.assign(INBOX, 1, big).join();
        assertEquals(100_000, first.created());
        Assignment repeat = store.assign(INBOX, 1, big).join();
        assertEquals(100_000, repeat.known());
        assertEquals(first.uidls(), repeat.uidls());
        Assignment afterChange = store.assign(INBOX, 2, moved).join();
        assertEquals(100_000, afterChange.rematched());
        assertEquals(first.uidls().get(4711L), afterChange.uidls().get(504_711L));
    }

    @Test
    void hiddenSetsArePerDevice() {
        MappingStore store = open();
        assertEquals(Set.of(), store.hidden(INBOX, "").join());
        store.hide(INBOX, "", List.of("a", "b")).join();
        store.hide(INBOX, "", List.of("b", "c")).join();
        store.hide(INBOX, "phone", List.of("z")).join();
        assertEquals(Set.of("a", "b", "c"), store.hidden(INBOX, "").join());
        assertEquals(Set.of("z"), store.hidden(INBOX, "phone").join());
        assertEquals(Set.of(), store.hidden(INBOX, "laptop").join());
        assertEquals(Set.of(), store.hidden(new MailboxKey("hosting", "bob", "INBOX"), "").join());
        store.close();
        assertEquals(Set.of("a", "b", "c"), open().hidden(INBOX, "").join());
        assertThrows(IllegalArgumentException.class, () -> store.hide(INBOX, "", List.of("with space")));
        assertThrows(IllegalArgumentException.class, () -> store.hide(INBOX, "", List.of("x".repeat(71))));
    }

    @Test
    void learntSizesAreKeptPerUidValidity() {
        MappingStore store = open();
        store.learnSize(INBOX, 5, 1, 1234).join();
        store.learnSize(INBOX, 5, 2, 99).join();
        store.learnSize(INBOX, 5, 2, 100).join();
        store.learnSize(INBOX, 6, 1, 7).join();
        assertEquals(Map.of(1L, 1234L, 2L, 100L), store.sizes(INBOX, 5).join());
        assertEquals(Map.of(1L, 7L), store.sizes(INBOX, 6).join());
        assertEquals(Map.of(), store.sizes(INBOX, 8).join());
    }

    @Test
    void callsAfterCloseFailWithStoreException() {
        MappingStore store = open();
        store.close();
        CompletableFuture<Set<String>> f = store.hidden(INBOX, "");
        Exception e = assertThrows(Exception.class, f::join);
        assertTrue(e.getCause() instanceof StoreException, e.toString());
    }

    @Test
    void concurrentAssignsFromTwoInstancesNeverGiveOneUidlToTwoMessages() throws Exception {
        MappingStore a = open();
        MappingStore b = open();
        Random random = new Random(7);
        List<MessageFacts> messages = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            messages.add(msg(i, i));
        }
        Map<String, Long> ownerOfUidl = new ConcurrentHashMap<>();
        Map<Long, String> uidlOfUid = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (long uv = 1; uv <= 3; uv++) {
                long v = uv;
                List<Future<Assignment>> results = new ArrayList<>();
                for (int round = 0; round < 16; round++) {
                    // Overlapping listings of the same mailbox, as sessions on two instances see it.
                    List<MessageFacts> listing = new ArrayList<>();
                    int upTo = round == 0 ? messages.size() : 100 + random.nextInt(201);
                    for (int i = 0; i < upTo; i++) {
                        MessageFacts m = messages.get(i);
                        listing.add(withUid(m, m.uid() + 1000 * v));
                    }
                    MappingStore store = round % 2 == 0 ? a : b;
                    results.add(pool.submit(() -> store.assign(INBOX, v, listing).join()));
                }
                for (Future<Assignment> f : results) {
                    for (Map.Entry<Long, String> e : f.get().uidls().entrySet()) {
                        long message = e.getKey() - 1000 * v;
                        Long previous = ownerOfUidl.putIfAbsent(e.getValue(), message);
                        assertTrue(previous == null || previous == message,
                                "UIDL " + e.getValue() + " given to messages " + previous + " and " + message);
                        String earlier = uidlOfUid.putIfAbsent(message, e.getValue());
                        assertTrue(earlier == null || earlier.equals(e.getValue()),
                                "message " + message + " got " + earlier + " and " + e.getValue());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(300, uidlOfUid.size());
        List<String> all = ((JdbcMappingStore) a).allUidls(INBOX);
        assertEquals(300, all.size());
        assertEquals(300, new HashSet<>(all).size());
    }

    // ---- imported UIDLs (migration from a POP3 server) ----

    static ImportedUidl imported(String uidl, MessageFacts facts) {
        return new ImportedUidl(uidl, facts);
    }

    @Test
    void importedUidlsAreGivenOutByAssignAndOthersGetTheDefault() {
        MappingStore store = open();
        ImportResult r = store.importUidls(INBOX, 7, List.of(imported("old-1", msg(1, 1)),
                imported("old-3", msg(3, 3)))).join();
        assertEquals(2, r.stored().size());
        assertTrue(r.conflicts().isEmpty() && r.unchanged().isEmpty());
        Assignment a = store.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2), msg(3, 3))).join();
        assertEquals(Map.of(1L, "old-1", 2L, defaultUidl(2, 7), 3L, "old-3"), a.uidls());
        assertEquals(2, a.known());
        assertEquals(1, a.created());
    }

    @Test
    void importingAgainChangesNothingAndReportsUnchanged() {
        MappingStore store = open();
        List<ImportedUidl> entries = List.of(imported("old-1", msg(1, 1)), imported("old-2", msg(2, 2)));
        store.importUidls(INBOX, 7, entries).join();
        ImportResult again = store.importUidls(INBOX, 7, entries).join();
        assertEquals(2, again.unchanged().size());
        assertTrue(again.stored().isEmpty() && again.conflicts().isEmpty());
        assertEquals(2, ((JdbcMappingStore) store).allUidls(INBOX).size());
    }

    @Test
    void aUidThatAlreadyHasAUidlKeepsItAndIsAConflict() {
        MappingStore store = open();
        String given = store.assign(INBOX, 7, List.of(msg(1, 1))).join().uidls().get(1L);
        ImportResult r = store.importUidls(INBOX, 7, List.of(imported("old-1", msg(1, 1)),
                imported("old-2", msg(2, 2)))).join();
        assertEquals(1, r.conflicts().size());
        ImportResult.Conflict c = r.conflicts().get(0);
        assertEquals(ImportResult.Reason.UID_HAS_ANOTHER_UIDL, c.reason());
        assertEquals(given, c.existing());
        assertEquals("old-1", c.entry().uidl());
        assertEquals(List.of("old-2"), r.stored().stream().map(ImportedUidl::uidl).toList());
        Assignment a = store.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2))).join();
        assertEquals(Map.of(1L, given, 2L, "old-2"), a.uidls());
    }

    @Test
    void aUidlAlreadyGivenToAnotherMessageIsNeverGivenTwice() {
        MappingStore store = open();
        // popbridge gave UID 1 the default UIDL; an old server happened to use that string for UID 2.
        String taken = store.assign(INBOX, 7, List.of(msg(1, 1))).join().uidls().get(1L);
        ImportResult r = store.importUidls(INBOX, 7, List.of(imported(taken, msg(2, 2)))).join();
        assertEquals(ImportResult.Reason.UIDL_BELONGS_TO_ANOTHER_MESSAGE, r.conflicts().get(0).reason());
        // also a UIDL held under an earlier UIDVALIDITY
        ImportResult r2 = store.importUidls(INBOX, 8, List.of(imported(taken, msg(5, 5)))).join();
        assertEquals(ImportResult.Reason.UIDL_BELONGS_TO_ANOTHER_MESSAGE, r2.conflicts().get(0).reason());
        Map<Long, String> uidls = store.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2))).join().uidls();
        assertEquals(taken, uidls.get(1L));
        assertEquals(defaultUidl(2, 7), uidls.get(2L));
    }

    @Test
    void anImportedUidlInTheDefaultFormatPushesANewMessageToASuffix() {
        MappingStore store = open();
        // The old server used Dovecot's default format too, for another UID than popbridge sees.
        store.importUidls(INBOX, 7, List.of(imported(defaultUidl(2, 7), msg(1, 1)))).join();
        Map<Long, String> uidls = store.assign(INBOX, 7, List.of(msg(1, 1), msg(2, 2))).join().uidls();
        assertEquals(defaultUidl(2, 7), uidls.get(1L));
        assertEquals(defaultUidl(2, 7) + "-1", uidls.get(2L));
    }

    @Test
    void importedUidlsSurviveAUidValidityChange() {
        MappingStore store = open();
        store.importUidls(INBOX, 7, List.of(imported("old-1", msg(1, 1)), imported("old-2", msg(2, 2)))).join();
        Assignment a = store.assign(INBOX, 9, List.of(msg(40, 2), msg(41, 1), msg(42, 3))).join();
        assertEquals(Map.of(40L, "old-2", 41L, "old-1", 42L, defaultUidl(42, 9)), a.uidls());
        assertEquals(2, a.rematched());
    }

    @Test
    void importRejectsDuplicatesAndBadUidlsAtOnce() {
        MappingStore store = open();
        assertThrows(IllegalArgumentException.class, () -> store.importUidls(INBOX, 7,
                List.of(imported("a", msg(1, 1)), imported("b", msg(1, 1)))));
        assertThrows(IllegalArgumentException.class, () -> store.importUidls(INBOX, 7,
                List.of(imported("a", msg(1, 1)), imported("a", msg(2, 2)))));
        assertThrows(IllegalArgumentException.class, () -> imported("has space", msg(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> imported("x".repeat(71), msg(1, 1)));
        assertTrue(((JdbcMappingStore) store).allUidls(INBOX).isEmpty());
    }

    static MessageFacts withUid(MessageFacts m, long uid) {
        return new MessageFacts(uid, m.size(), m.emailId(), m.messageId(), m.internalDate());
    }
}
