package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.mapping.Listing;
import io.popbridge.testing.ModSeqImapServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Delta sync against a modelled upstream that advertises QRESYNC, CONDSTORE or neither (with and
 * without ESEARCH): first login, an unchanged mailbox, and one new + one expunged + one newly
 * hidden message, counting the commands and octets of each login and checking every listing
 * against a fresh full listing.
 */
class ListingSyncScriptedTest {

    private static final String HIDE = "$POP3Deleted";
    private static final int MESSAGES = 3000;
    private static final String FULL_FETCH = "UID FETCH 1:* (UID RFC822.SIZE FLAGS INTERNALDATE)";

    enum Server {
        QRESYNC("IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", ListingSync.Mode.QRESYNC),
        CONDSTORE("IMAP4rev1 CONDSTORE", ListingSync.Mode.CONDSTORE),
        PLAIN("IMAP4rev1", ListingSync.Mode.PLAIN),
        PLAIN_ESEARCH("IMAP4rev1 ESEARCH", ListingSync.Mode.PLAIN);

        final String capabilities;
        final ListingSync.Mode mode;

        Server(String capabilities, ListingSync.Mode mode) {
            this.capabilities = capabilities;
            this.mode = mode;
        }
    }

    private SyncRunner runner;
    private ModSeqImapServer server;

    @BeforeEach
    void start() {
        runner = new SyncRunner();
    }

    @AfterEach
    void stop() throws Exception {
        runner.close();
        if (server != null) {
            server.close();
        }
    }

    private ListingSync.Result login(Listing cached) throws Exception {
        return runner.sync(server.port(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD, HIDE, cached);
    }

    private void fill() {
        for (int i = 1; i <= MESSAGES; i++) {
            server.append(1000 + i, i % 100 == 0 ? HIDE : i % 250 == 1 ? "\\Deleted" : "\\Seen");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void repeatLoginsFetchOnlyWhatChanged(Server kind) throws Exception {
        server = new ModSeqImapServer(kind.capabilities, 777);
        fill();

        // (i) first login: one full listing
        ListingSync.Result first = login(null);
        List<String> firstCommands = SyncRunner.syncCommands(server.commands());
        assertTrue(firstCommands.contains(FULL_FETCH), firstCommands.toString());
        assertTrue(first.delta().full());
        assertEquals(MESSAGES, first.listing().size());
        assertEquals(kind.mode, first.delta().mode());
        assertEquals(Listing.HIDDEN, first.listing().flags(first.listing().indexOf(100)));
        assertEquals(Listing.DELETED, first.listing().flags(first.listing().indexOf(251)));
        assertEquals(0, first.listing().flags(first.listing().indexOf(2)));
        long fullBytes = server.bytesToClient();

        // (ii) unchanged mailbox: no listing at all
        server.resetCounts();
        ListingSync.Result second = login(first.listing());
        List<String> commands = SyncRunner.syncCommands(server.commands());
        assertTrue(second.delta().unchanged(), "delta " + second.delta());
        assertTrue(second.listing().sameMessages(first.listing()));
        assertEquals(first.listing(), second.listing());
        if (kind == Server.QRESYNC || kind == Server.CONDSTORE) {
            assertSame(first.listing(), second.listing(), "same HIGHESTMODSEQ: the cached listing as it is, no copy");
        }
        List<String> expected = switch (kind) {
            case QRESYNC -> List.of("ENABLE QRESYNC", "SELECT \"INBOX\" (QRESYNC (777 " + first.listing().highestModSeq()
                    + " 1:" + MESSAGES + "))");
            case CONDSTORE -> List.of("SELECT \"INBOX\" (CONDSTORE)");
            case PLAIN -> List.of("SELECT \"INBOX\"", "UID SEARCH UID 1:" + MESSAGES + " DELETED",
                    "UID SEARCH UID 1:" + MESSAGES + " KEYWORD " + HIDE);
            case PLAIN_ESEARCH -> List.of("SELECT \"INBOX\"", "UID SEARCH RETURN (ALL) UID 1:" + MESSAGES + " DELETED",
                    "UID SEARCH RETURN (ALL) UID 1:" + MESSAGES + " KEYWORD " + HIDE);
        };
        assertEquals(expected, commands);
        long unchangedBytes = server.bytesToClient();
        assertTrue(unchangedBytes * 10 < fullBytes, unchangedBytes + " octets received vs " + fullBytes + " for a full listing");
        if (kind == Server.QRESYNC || kind == Server.CONDSTORE) {
            assertTrue(unchangedBytes < 1000, unchangedBytes + " octets received on an unchanged mailbox");
        }

        // (iii) one new message, one expunged, one newly hidden
        long added = server.append(4242);
        server.expunge(5);
        server.addFlag(7, HIDE);
        server.resetCounts();
        ListingSync.Result third = login(second.listing());
        commands = SyncRunner.syncCommands(server.commands());
        assertFalse(commands.contains(FULL_FETCH), commands.toString());
        assertFalse(third.delta().full());
        assertArrayEquals(new long[] {added}, third.delta().added());
        assertArrayEquals(new long[] {5}, third.delta().vanished());
        assertArrayEquals(new long[] {7}, third.delta().flagsChanged());
        assertEquals(kind == Server.QRESYNC, commands.stream().noneMatch(c -> c.contains("SEARCH") && c.endsWith("ALL")),
                "only QRESYNC learns of the expunge without a UID SEARCH ALL: " + commands);
        assertTrue(server.bytesToClient() * 5 < fullBytes || kind.name().startsWith("PLAIN") && !kind.capabilities.contains("ESEARCH"),
                server.bytesToClient() + " octets vs " + fullBytes);

        // oracle: a fresh full listing now
        ListingSync.Result fresh = login(null);
        assertTrue(fresh.delta().full());
        assertTrue(third.listing().sameMessages(fresh.listing()), third.listing() + " vs " + fresh.listing());
        assertEquals(MESSAGES, third.listing().size());
        assertEquals(fresh.listing().uidNext(), third.listing().uidNext());

        // and the next login after that is unchanged again
        server.resetCounts();
        assertTrue(login(third.listing()).delta().unchanged());
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void uidlsSurviveTheDeltaAndAnotherUidValidityListsAfresh(Server kind) throws Exception {
        server = new ModSeqImapServer(kind.capabilities, 31);
        for (int i = 1; i <= 10; i++) {
            server.append(500 + i);
        }
        Listing first = login(null).listing();
        Listing.Builder withUidls = first.toBuilder();
        for (long uid : first.uids()) {
            withUidls.put(uid, first.messageSize(first.indexOf(uid)), 0, "uidl-" + uid);
        }
        server.expunge(3);
        long added = server.append(99);
        Listing next = login(withUidls.build()).listing();
        assertEquals("uidl-4", next.uidl(next.indexOf(4)));
        assertEquals(null, next.uidl(next.indexOf(added)));
        assertTrue(next.indexOf(3) < 0);

        try (ModSeqImapServer recreated = new ModSeqImapServer(kind.capabilities, 32)) {
            recreated.append(10);
            ListingSync.Result r = runner.sync(recreated.port(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD,
                    HIDE, next);
            assertTrue(r.delta().full());
            assertEquals(1, r.listing().size());
            assertEquals(32, r.listing().uidValidity());
            assertEquals(null, r.listing().uidl(0));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Server.class, names = {"QRESYNC", "CONDSTORE", "PLAIN_ESEARCH"})
    void anUnchangedHundredThousandMessageMailboxCostsAFewShortCommands(Server kind) throws Exception {
        server = new ModSeqImapServer(kind.capabilities, 9);
        for (int i = 1; i <= 100_000; i++) {
            server.append(2000 + i % 977, i % 1000 == 0 ? HIDE : "\\Seen");
        }
        ListingSync.Result first = login(null);
        long fullDown = server.bytesToClient();
        long fullUp = server.bytesFromClient();
        server.resetCounts();
        ListingSync.Result again = login(first.listing());
        assertTrue(again.delta().unchanged());
        assertEquals(100_000, again.listing().size());
        long down = server.bytesToClient();
        long up = server.bytesFromClient();
        System.err.printf("delta sync, 100,000 messages, %s: first login %d octets up / %d down;"
                + " unchanged %d up / %d down, %d commands%n", kind, fullUp, fullDown, up, down,
                SyncRunner.syncCommands(server.commands()).size());
        assertTrue(fullDown > 5_000_000, "a full listing is " + fullDown + " octets");
        assertTrue(down < (kind == Server.PLAIN_ESEARCH ? 5_000 : 1_000), "an unchanged login received " + down + " octets");
        // without mod-sequences the searches go in UID ranges whose answers fit a response line
        assertTrue(up < (kind == Server.PLAIN_ESEARCH ? 3_000 : 500), "an unchanged login sent " + up + " octets");
    }

    @ParameterizedTest
    @EnumSource(value = Server.class, names = {"CONDSTORE", "PLAIN", "PLAIN_ESEARCH"})
    void searchesAreSplitSoThatNoAnswerOutgrowsTheLineLimit(Server kind) throws Exception {
        server = new ModSeqImapServer(kind.capabilities, 12);
        for (int i = 1; i <= 2000; i++) {
            server.append(300 + i, i % 2 == 0 ? HIDE : "\\Deleted"); // worst case: nothing but single UIDs
        }
        io.popbridge.imap.ImapClientOptions small = new io.popbridge.imap.ImapClientOptions(
                java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(30), 1024, 1L << 20, null);
        Listing first = runner.sync(server.port(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD, HIDE, null, small)
                .listing();
        server.expunge(1999);
        server.expunge(3);
        server.addFlag(1001, HIDE);
        long added = server.append(7);
        server.resetCounts();
        ListingSync.Result r = runner.sync(server.port(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD, HIDE, first,
                small);
        List<String> commands = SyncRunner.syncCommands(server.commands());
        assertTrue(commands.stream().filter(c -> c.contains("SEARCH")).count() > 20, commands.toString());
        assertArrayEquals(new long[] {3, 1999}, r.delta().vanished());
        assertArrayEquals(new long[] {added}, r.delta().added());
        assertArrayEquals(new long[] {1001}, r.delta().flagsChanged());
        Listing fresh = login(null).listing();
        assertTrue(r.listing().sameMessages(fresh));
    }

    @ParameterizedTest
    @EnumSource(value = Server.class, names = {"QRESYNC", "CONDSTORE"})
    void aServerWhoseModSeqWentBackwardsIsListedAfresh(Server kind) throws Exception {
        server = new ModSeqImapServer(kind.capabilities, 44);
        for (int i = 1; i <= 20; i++) {
            server.append(100 + i);
        }
        Listing first = login(null).listing();
        Listing fromTheFuture = first.toBuilder().highestModSeq(first.highestModSeq() + 1000).build();
        server.expunge(4);
        ListingSync.Result r = login(fromTheFuture);
        assertTrue(r.delta().full());
        assertEquals(19, r.listing().size());
        assertTrue(r.listing().sameMessages(login(null).listing()));
    }

    @org.junit.jupiter.api.Test
    void aServerThatRefusesQresyncParametersIsListedInFull() throws Exception {
        server = new ModSeqImapServer(Server.QRESYNC.capabilities, 45);
        for (int i = 1; i <= 20; i++) {
            server.append(100 + i);
        }
        Listing first = login(null).listing();
        server.refuseQresyncSelect = true;
        server.expunge(2);
        ListingSync.Result r = login(first);
        assertTrue(r.delta().full());
        assertEquals(19, r.listing().size());
        assertTrue(SyncRunner.syncCommands(server.commands()).contains(FULL_FETCH));
    }
}
