package io.popbridge.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another IMAP client (GreenMail, driven through the RawImap oracle) changes the mailbox while a
 * POP3 session holds its snapshot: expunged and moved messages answer {@code -ERR} on RETR, never
 * another message's octets; flagged ones are served unchanged. (A UIDVALIDITY change between
 * sessions is in {@link UpstreamFaultsTest}: GreenMail 2.1.3 fails on deleting a mailbox.)
 */
class ConcurrentImapClientTest {

    private Upstream upstream;
    private BridgeServer bridge;
    private final List<byte[]> messages = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        for (int i = 1; i <= 4; i++) {
            messages.add(Corpus.message("message " + i, "body of message " + i + "\r\n"));
        }
    }

    @AfterEach
    void tearDown() {
        if (bridge != null) {
            bridge.close();
        }
        upstream.close();
    }

    private void start(String mailbox) throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(upstream.endpoint(), imap, mailbox, DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
    }

    private Pop3TestClient login() throws Exception {
        Pop3TestClient pop = new Pop3TestClient(bridge.localAddress());
        pop.socket().setSoTimeout(15_000);
        return pop.login(Upstream.USER, Upstream.PASSWORD);
    }

    @Test
    void retrOfMessagesExpungedOrMovedByAnotherClientAnswersErrNeverAnotherMessage() throws Exception {
        List<Long> uids;
        try (RawImap imap = upstream.imap()) {
            for (byte[] m : messages) {
                imap.append(m, null);
            }
            imap.ok("CREATE Archive");
            uids = imap.uids();
        }
        start("INBOX");
        try (Pop3TestClient pop = login(); RawImap other = upstream.imap()) {
            assertTrue(pop.command("STAT").startsWith("+OK 4 "));
            // during the session: expunge 2, move 3 (COPY + expunge), flag 1 and 4
            other.ok("UID STORE " + uids.get(1) + " +FLAGS (\\Deleted)");
            other.ok("UID COPY " + uids.get(2) + " Archive");
            other.ok("UID STORE " + uids.get(2) + " +FLAGS (\\Deleted)");
            other.ok("EXPUNGE");
            other.ok("UID STORE " + uids.get(0) + " +FLAGS (\\Flagged \\Seen)");
            other.ok("UID STORE " + uids.get(3) + " +FLAGS (\\Answered)");

            assertTrue(pop.command("STAT").startsWith("+OK 4 "), "the POP3 view is a snapshot");
            assertTrue(pop.command("RETR 2").startsWith("-ERR"));
            assertTrue(pop.command("RETR 3").startsWith("-ERR"));
            assertTrue(pop.command("TOP 3 0").startsWith("-ERR"));
            assertArrayEquals(messages.get(0), pop.retr(1));
            assertArrayEquals(messages.get(3), pop.retr(4));
            assertTrue(pop.command("DELE 2").startsWith("+OK"));
            assertTrue(pop.command("DELE 4").startsWith("+OK"));
            assertTrue(pop.command("QUIT").startsWith("+OK"));
        }
        try (RawImap imap = upstream.imap()) {
            assertEquals(List.of(uids.get(0), uids.get(3)), imap.uids());
            assertTrue(imap.flags(uids.get(3)).contains(BridgeOptions.DEFAULT_HIDE_KEYWORD));
            assertTrue(!imap.flags(uids.get(0)).contains(BridgeOptions.DEFAULT_HIDE_KEYWORD));
            assertEquals(1, imap.count("Archive"));
        }
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("STAT").startsWith("+OK 1 "));
            assertArrayEquals(messages.get(0), pop.retr(1));
        }
    }
}
