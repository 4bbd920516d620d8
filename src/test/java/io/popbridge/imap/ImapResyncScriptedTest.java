package io.popbridge.imap;

import static io.popbridge.imap.TestSupport.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CONDSTORE / QRESYNC / ENABLE / UID SEARCH against a scripted server: what is sent, what is parsed. */
class ImapResyncScriptedTest {

    private static final String QRESYNC = "* OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH] ready\r\n";
    private static final String PLAIN = "* OK [CAPABILITY IMAP4rev1] ready\r\n";

    private ScriptedServer server;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ImapClient client;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            loop.submit(client::close).get();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        server.close();
    }

    private void connect(String greeting) throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 1024, 1L << 20, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        server.accept(greeting);
        client = f.get(10, TimeUnit.SECONDS);
    }

    private <T> Future<T> call(java.util.function.Supplier<Future<T>> c) throws Exception {
        return loop.submit(c::get).get();
    }

    @Test
    void enableReportsWhatTheServerEnabled() throws Exception {
        connect(QRESYNC);
        Future<Set<String>> f = call(() -> client.resync().enable(List.of("QRESYNC")));
        assertEquals("A1 ENABLE QRESYNC", server.readLine());
        server.send("* ENABLED QRESYNC condstore\r\nA1 OK enabled\r\n");
        assertEquals(Set.of("QRESYNC", "CONDSTORE"), f.get(10, TimeUnit.SECONDS));
    }

    @Test
    void qresyncSelectCollectsVanishedEarlierAndChangedFlags() throws Exception {
        connect(QRESYNC);
        Future<Resync> f = call(() -> client.resync().selectQresync("INBOX", false, 67890007L, 90060115194045000L,
                UidSet.of(41, 43, 44, 45)));
        assertEquals("A1 SELECT \"INBOX\" (QRESYNC (67890007 90060115194045000 41,43:45))", server.readLine());
        server.send("* 314 EXISTS\r\n* OK [UIDVALIDITY 67890007] x\r\n* OK [UIDNEXT 567] x\r\n"
                + "* OK [HIGHESTMODSEQ 90060115205545359] x\r\n"
                + "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"
                + "* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))\r\n"
                + "* 50 FETCH (UID 119 FLAGS ($POP3Deleted) MODSEQ (90060115194045308))\r\n"
                + "A1 OK [READ-WRITE] done\r\n");
        Resync r = f.get(10, TimeUnit.SECONDS);
        assertEquals(314, r.selected().exists());
        assertEquals(567, r.selected().uidNext());
        assertEquals(90060115205545359L, r.selected().highestModSeq());
        assertTrue(r.selected().hasModSeq());
        assertEquals("41,43:116,118,120:211,214:540", r.changes().vanished().toString());
        assertTrue(r.changes().vanished().contains(100));
        assertFalse(r.changes().vanished().contains(117));
        assertEquals(List.of(new FetchedMessage(49, 117, -1, Set.of("\\Seen", "\\Answered"), 90060115194045001L),
                new FetchedMessage(50, 119, -1, Set.of("$POP3Deleted"), 90060115194045308L)), r.changes().changed());
    }

    @Test
    void condStoreSelectReportsNoModSeq() throws Exception {
        connect(QRESYNC);
        Future<SelectedMailbox> f = call(() -> client.resync().selectCondStore("INBOX", true));
        assertEquals("A1 EXAMINE \"INBOX\" (CONDSTORE)", server.readLine());
        server.send("* 3 EXISTS\r\n* OK [UIDVALIDITY 9] x\r\n* OK [NOMODSEQ] no mod-sequences here\r\n"
                + "A1 OK [READ-ONLY] done\r\n");
        SelectedMailbox box = f.get(10, TimeUnit.SECONDS);
        assertTrue(box.noModSeq());
        assertFalse(box.hasModSeq());
    }

    @Test
    void changedSinceFetchReturnsModSeqsAndVanished() throws Exception {
        connect(QRESYNC);
        Future<Changes> f = call(() -> client.resync().uidFetchChangedSince("1:*", List.of("UID", "FLAGS"), 12345, true));
        assertEquals("A1 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 12345 VANISHED)", server.readLine());
        server.send("* VANISHED (EARLIER) 3:4\r\n* 2 FETCH (UID 7 FLAGS (\\Deleted) MODSEQ (12400))\r\n"
                + "A1 OK done\r\n");
        Changes c = f.get(10, TimeUnit.SECONDS);
        assertEquals("3:4", c.vanished().toString());
        assertEquals(List.of(new FetchedMessage(2, 7, -1, Set.of("\\Deleted"), 12400)), c.changed());
    }

    @Test
    void esearchIsUsedWhereOfferedAndOnlyItsOwnTagCounts() throws Exception {
        connect(QRESYNC);
        Future<UidSet> f = call(() -> client.resync().uidSearch(List.of("KEYWORD", "$POP3Deleted")));
        assertEquals("A1 UID SEARCH RETURN (ALL) KEYWORD $POP3Deleted", server.readLine());
        server.send("* ESEARCH (TAG \"A0\") UID ALL 99\r\n* ESEARCH (TAG \"A1\") UID ALL 1:3,7\r\nA1 OK done\r\n");
        assertArrayEquals(new long[] {1, 2, 3, 7}, f.get(10, TimeUnit.SECONDS).toArray(100));
    }

    @Test
    void esearchWithoutMatchesIsEmpty() throws Exception {
        connect(QRESYNC);
        Future<UidSet> f = call(() -> client.resync().uidSearch(List.of("DELETED")));
        assertEquals("A1 UID SEARCH RETURN (ALL) DELETED", server.readLine());
        server.send("* ESEARCH (TAG \"A1\") UID\r\nA1 OK done\r\n");
        assertTrue(f.get(10, TimeUnit.SECONDS).isEmpty());
    }

    @Test
    void plainSearchParsesNumbersAndIgnoresTheModSeqTail() throws Exception {
        connect(PLAIN);
        Future<UidSet> f = call(() -> client.resync().uidSearch(List.of("UID", "5:*")));
        assertEquals("A1 UID SEARCH UID 5:*", server.readLine());
        server.send("* SEARCH 9 5 6 (MODSEQ 4)\r\nA1 OK done\r\n");
        assertEquals("5:6,9", f.get(10, TimeUnit.SECONDS).toString());
    }

    @Test
    void extensionsTheServerLacksSendNothing() throws Exception {
        connect(PLAIN);
        assertInstanceOf(UnsupportedOperationException.class, failure(loop, () -> client.resync().enable(List.of("QRESYNC"))));
        assertInstanceOf(UnsupportedOperationException.class, failure(loop, () -> client.resync().selectCondStore("INBOX", false)));
        assertInstanceOf(UnsupportedOperationException.class,
                failure(loop, () -> client.resync().selectQresync("INBOX", false, 1, 1, null)));
        assertInstanceOf(UnsupportedOperationException.class,
                failure(loop, () -> client.resync().uidFetchChangedSince("1:*", List.of("FLAGS"), 1, false)));
        assertInstanceOf(IllegalArgumentException.class,
                failure(loop, () -> client.resync().uidSearch(List.of("KEYWORD", "a b\r\nA9 LOGOUT"))));
        Future<Void> noop = call(() -> client.noop());
        String line = server.readLine();
        assertTrue(line.matches("A[0-9]+ NOOP"), "nothing was sent before the NOOP: " + line);
        server.send(line.substring(0, line.indexOf(' ')) + " OK done\r\n");
        noop.get(10, TimeUnit.SECONDS);
    }

    @Test
    void malformedVanishedFailsTheConnection() throws Exception {
        connect(QRESYNC);
        Future<Changes> f = call(() -> client.resync().uidFetchChangedSince("1:*", List.of("FLAGS"), 1, true));
        server.readLine();
        server.send("* VANISHED (LATER) 3\r\nA1 OK done\r\n");
        assertInstanceOf(ImapException.Protocol.class, failure(loop, () -> f));
    }
}
