package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POP3 client → popbridge → GreenMail IMAP, checked against what the IMAP server holds. */
class BridgeEndToEndTest {

    private Upstream upstream;
    private BridgeServer bridge;
    private List<Long> uids;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap()) {
            for (byte[] message : Corpus.framingCorpus()) {
                imap.append(message, null);
            }
            uids = imap.uids();
        }
    }

    @AfterEach
    void tearDown() {
        if (bridge != null) {
            bridge.close();
        }
        upstream.close();
    }

    private InetSocketAddress start(String deletePolicy, RetrievePolicy retrieve) throws Exception {
        return start(upstream.endpoint(), deletePolicy, retrieve);
    }

    private InetSocketAddress start(UpstreamEndpoint endpoint, String deletePolicy, RetrievePolicy retrieve)
            throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse(deletePolicy),
                retrieve, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 2);
        return bridge.localAddress();
    }

    private Pop3TestClient login(InetSocketAddress address) throws IOException {
        return new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD);
    }

    static byte[] crlf(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(raw[i]);
        }
        if (raw.length > 0 && raw[raw.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /**
     * GreenMail's RFC822.SIZE is the body length only (greenmail issue 967): the first session
     * learns the true sizes from RETR, and from then on LIST equals what RETR sends. Against a
     * server with correct RFC822.SIZE (Dovecot) the first session is exact already.
     */
    @Test
    void everyMessageDownloadsByteExactWithListSizesEqualToRetrOctets() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = login(address); RawImap imap = upstream.imap()) {
            for (int n = 1; n <= uids.size(); n++) {
                assertArrayEquals(crlf(imap.body(uids.get(n - 1))), pop.retr(n), "message " + n);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (Pop3TestClient pop = login(address); RawImap imap = upstream.imap()) {
            String stat = Pop3TestClient.expectOk(pop.command("STAT"));
            assertTrue(stat.startsWith("+OK " + uids.size() + " "), stat);
            Pop3TestClient.expectOk(pop.command("LIST"));
            List<String> list = pop.lines();
            assertEquals(uids.size(), list.size());
            long total = 0;
            for (int n = 1; n <= uids.size(); n++) {
                byte[] expected = crlf(imap.body(uids.get(n - 1)));
                byte[] got = pop.retr(n);
                assertArrayEquals(expected, got, "message " + n);
                assertEquals(n + " " + got.length, list.get(n - 1), "LIST size of message " + n);
                total += got.length;
            }
            assertEquals("+OK " + uids.size() + " " + total, stat);
            assertTrue(pop.command("QUIT").startsWith("+OK"));
            // peek: nothing was marked \Seen
            for (long uid : uids) {
                assertFalse(imap.flags(uid).contains("\\Seen"), "uid " + uid + " flags " + imap.flags(uid));
            }
        }
    }

    @Test
    void uidlsAreIdenticalInTwoSessionsAndDerivedFromUidAndUidValidity() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        List<String> first;
        try (Pop3TestClient pop = login(address)) {
            Pop3TestClient.expectOk(pop.command("UIDL"));
            first = pop.lines();
            pop.command("QUIT");
        }
        try (Pop3TestClient pop = login(address)) {
            Pop3TestClient.expectOk(pop.command("UIDL"));
            assertEquals(first, pop.lines());
            assertEquals("+OK 2 " + first.get(1).split(" ")[1], pop.command("UIDL 2"));
        }
        assertEquals(uids.size(), first.size());
        for (String line : first) {
            assertTrue(line.matches("\\d+ [0-9a-f]{16}"), line);
        }
        assertEquals(String.format("%08x", uids.get(0)), first.get(0).split(" ")[1].substring(0, 8));
    }

    @Test
    void hidePolicyStoresKeywordAtQuitAndLaterSessionsSkipTheMessage() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        String uidlOfThird;
        try (Pop3TestClient pop = login(address)) {
            uidlOfThird = pop.command("UIDL 3").split(" ")[2];
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("DELE 2"));
            assertTrue(pop.command("RETR 1").startsWith("-ERR"));
            assertTrue(pop.command("QUIT").startsWith("+OK"));
            assertTrue(pop.closedByServer());
        }
        try (RawImap imap = upstream.imap()) {
            assertEquals(uids, imap.uids(), "hide keeps every message on the server");
            assertTrue(imap.flags(uids.get(0)).contains("$POP3Deleted"));
            assertTrue(imap.flags(uids.get(1)).contains("$POP3Deleted"));
            assertFalse(imap.flags(uids.get(2)).contains("$POP3Deleted"));
            assertFalse(imap.flags(uids.get(0)).contains("\\Seen"));
        }
        try (Pop3TestClient pop = login(address)) {
            assertTrue(pop.command("STAT").startsWith("+OK " + (uids.size() - 2) + " "));
            assertEquals("+OK 1 " + uidlOfThird, pop.command("UIDL 1"));
        }
    }

    @Test
    void seenPolicyMarksSeenAndHides() throws Exception {
        InetSocketAddress address = start("seen", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = login(address)) {
            Pop3TestClient.expectOk(pop.command("DELE 2"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            String flags = imap.flags(uids.get(1));
            assertTrue(flags.contains("\\Seen") && flags.contains("$POP3Deleted"), flags);
            assertEquals(uids, imap.uids());
        }
    }

    @Test
    void expungePolicyRemovesExactlyTheDeletedMessages() throws Exception {
        InetSocketAddress address = start("expunge", RetrievePolicy.PEEK);
        try (RawImap imap = upstream.imap()) {
            // Another client's \Deleted message must survive: only UID EXPUNGE of our UIDs is allowed.
            imap.ok("UID STORE " + uids.get(4) + " +FLAGS.SILENT (\\Deleted)");
        }
        try (Pop3TestClient pop = login(address)) {
            assertTrue(pop.command("STAT").startsWith("+OK " + (uids.size() - 1) + " "), "\\Deleted is not listed");
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            List<Long> expected = new ArrayList<>(uids);
            expected.remove(0);
            assertEquals(expected, imap.uids());
        }
    }

    @Test
    void movePolicyMovesToTheFolder() throws Exception {
        InetSocketAddress address = start("move:Archive", RetrievePolicy.PEEK);
        try (RawImap imap = upstream.imap()) {
            imap.ok("CREATE Archive");
        }
        try (Pop3TestClient pop = login(address)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("DELE 3"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            assertEquals(List.of(uids.get(1), uids.get(3), uids.get(4), uids.get(5)), imap.uids());
            assertEquals(2, imap.count("Archive"));
        }
    }

    @Test
    void deleThenDroppedConnectionDeletesNothing() throws Exception {
        InetSocketAddress address = start("expunge", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = login(address)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("DELE 2"));
        } // closed without QUIT
        try (Pop3TestClient pop = login(address)) {
            assertTrue(pop.command("STAT").startsWith("+OK " + uids.size() + " "));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            assertEquals(uids, imap.uids());
        }
    }

    @Test
    void rsetUndoesDele() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = login(address)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("RSET"));
            assertTrue(pop.command("STAT").startsWith("+OK " + uids.size() + " "));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            assertFalse(imap.flags(uids.get(0)).contains("$POP3Deleted"));
        }
    }

    @Test
    void messageExpungedByAnotherDeviceDuringSessionAnswersErrNeverAnotherMessage() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = login(address); RawImap imap = upstream.imap()) {
            byte[] third = crlf(imap.body(uids.get(2)));
            imap.ok("UID STORE " + uids.get(1) + " +FLAGS.SILENT (\\Deleted)");
            imap.ok("EXPUNGE");
            String reply = pop.command("RETR 2");
            assertTrue(reply.startsWith("-ERR"), reply);
            assertArrayEquals(third, pop.retr(3));
            assertTrue(pop.command("TOP 2 0").startsWith("-ERR"));
            assertTrue(pop.command("LIST 2").startsWith("+OK 2 "), "the snapshot keeps its numbering");
        }
    }

    @Test
    void topSendsHeaderBlankLineAndFirstLines() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = login(address); RawImap imap = upstream.imap()) {
            for (int n : new int[] {1, 2, 3, 6}) {
                byte[] full = crlf(imap.body(uids.get(n - 1)));
                for (int k : new int[] {0, 1, 2, 5, 299, 10_000}) {
                    Pop3TestClient.expectOk(pop.command("TOP " + n + " " + k));
                    assertArrayEquals(Corpus.top(full, k), pop.body(), "TOP " + n + " " + k);
                }
            }
        }
    }

    @Test
    void retrieveSeenPolicyMarksRetrievedMessagesOnly() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.SEEN);
        try (Pop3TestClient pop = login(address)) {
            pop.retr(2);
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            assertTrue(imap.flags(uids.get(1)).contains("\\Seen"));
            assertFalse(imap.flags(uids.get(0)).contains("\\Seen"));
        }
    }

    @Test
    void wrongPasswordGetsAuthCode() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER " + Upstream.USER));
            String reply = pop.command("PASS wrong");
            assertTrue(reply.startsWith("-ERR [AUTH]"), reply);
        }
    }

    @Test
    void unreachableUpstreamGetsSysTemp() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        InetSocketAddress address = start(new UpstreamEndpoint("127.0.0.1", closedPort, UpstreamEndpoint.Security.PLAIN),
                "hide", RetrievePolicy.PEEK);
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER " + Upstream.USER));
            String reply = pop.command("PASS " + Upstream.PASSWORD);
            assertTrue(reply.startsWith("-ERR [SYS/TEMP]"), reply);
        }
    }
}
