package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.mapping.Listing;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delta sync against real servers, through a proxy that counts what a login costs: Dovecot 2.3
 * (QRESYNC; skipped with the reason where not installed) and GreenMail (no CONDSTORE: the plain
 * path). Each: first login, unchanged mailbox, one new + one expunged + one newly hidden message,
 * checked against the server (RawImap) and a fresh full listing.
 */
class ListingSyncRealServerTest {

    private static final String HIDE = "$POP3Deleted";
    private static final String FULL_FETCH = "UID FETCH 1:* (UID RFC822.SIZE FLAGS INTERNALDATE)";
    private static final int MESSAGES = 120;

    private SyncRunner runner;
    private CountingProxy proxy;

    @BeforeEach
    void start() {
        runner = new SyncRunner();
    }

    @AfterEach
    void stop() throws Exception {
        runner.close();
        if (proxy != null) {
            proxy.close();
        }
    }

    interface Oracle {
        RawImap open() throws Exception;
    }

    @Test
    void dovecotWithQresync() throws Exception {
        try (DovecotServer dovecot = DovecotServer.startOrSkip()) {
            String password = dovecot.password("alice");
            run(dovecot.imapPort(), "alice", password,
                    () -> new RawImap(dovecot.host(), dovecot.imapPort(), "alice", password), true);
        }
    }

    @Test
    void greenMailWithoutCondStore() throws Exception {
        try (Upstream upstream = new Upstream()) {
            run(upstream.port(), Upstream.USER, Upstream.PASSWORD, upstream::imap, false);
        }
    }

    private void run(int port, String user, String password, Oracle oracle, boolean qresync) throws Exception {
        try (RawImap imap = oracle.open()) {
            for (int i = 1; i <= MESSAGES; i++) {
                imap.append(Corpus.message("message " + i, "body of message " + i + "\r\n"), i % 10 == 0 ? HIDE : null);
            }
        }
        proxy = new CountingProxy(port);

        // (i) first login: the full listing
        ListingSync.Result first = runner.sync(proxy.port(), user, password, HIDE, null);
        List<String> commands = SyncRunner.syncCommands(proxy.commands());
        assertTrue(commands.contains(FULL_FETCH), commands.toString());
        assertEquals(qresync ? ListingSync.Mode.QRESYNC : ListingSync.Mode.PLAIN, first.delta().mode());
        assertEquals(MESSAGES, first.listing().size());
        assertEquals(Listing.HIDDEN, first.listing().flags(9));
        long fullDown = proxy.bytesDown();

        // (ii) unchanged: no listing
        proxy.reset();
        ListingSync.Result second = runner.sync(proxy.port(), user, password, HIDE, first.listing());
        commands = SyncRunner.syncCommands(proxy.commands());
        assertTrue(second.delta().unchanged(), second.delta().toString());
        assertTrue(second.listing().sameMessages(first.listing()));
        if (qresync) {
            assertEquals(List.of("ENABLE QRESYNC", "SELECT \"INBOX\" (QRESYNC (" + first.listing().uidValidity() + " "
                    + first.listing().highestModSeq() + " " + first.listing().uid(0) + ":" + first.listing().lastUid()
                    + "))"), commands);
        } else {
            assertEquals("SELECT \"INBOX\"", commands.get(0), commands.toString());
            assertTrue(commands.stream().skip(1).allMatch(c -> c.startsWith("UID SEARCH")) && commands.size() <= 3,
                    commands.toString());
        }
        assertTrue(proxy.bytesDown() * 4 < fullDown, proxy.bytesDown() + " octets vs " + fullDown + " for the full listing");

        // (iii) one new, one expunged, one newly hidden
        long expunged;
        long hidden;
        try (RawImap imap = oracle.open()) {
            List<Long> uids = imap.uids();
            expunged = uids.get(4);
            hidden = uids.get(6);
            imap.append(Corpus.message("new one", "new\r\n"), null);
            imap.ok("UID STORE " + expunged + " +FLAGS.SILENT (\\Deleted)");
            imap.ok("EXPUNGE");
            imap.ok("UID STORE " + hidden + " +FLAGS.SILENT (" + HIDE + ")");
        }
        proxy.reset();
        ListingSync.Result third = runner.sync(proxy.port(), user, password, HIDE, second.listing());
        commands = SyncRunner.syncCommands(proxy.commands());
        assertFalse(commands.contains(FULL_FETCH), commands.toString());
        assertEquals(1, third.delta().added().length);
        assertArrayEquals(new long[] {expunged}, third.delta().vanished());
        assertArrayEquals(new long[] {hidden}, third.delta().flagsChanged());
        if (qresync) {
            assertTrue(commands.stream().noneMatch(c -> c.startsWith("UID SEARCH")), commands.toString());
        }

        try (RawImap imap = oracle.open()) {
            List<Long> serverUids = imap.uids();
            assertEquals(serverUids, java.util.Arrays.stream(third.listing().uids()).boxed().toList());
            assertTrue(imap.flags(hidden).contains(HIDE));
        }
        ListingSync.Result fresh = runner.sync(proxy.port(), user, password, HIDE, null);
        assertTrue(fresh.delta().full());
        assertTrue(third.listing().sameMessages(fresh.listing()), third.listing() + " vs " + fresh.listing());
    }
}
