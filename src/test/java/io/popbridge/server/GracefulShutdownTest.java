package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGTERM's path: {@link BridgeServer#close(Duration)} with sessions open, against GreenMail. */
class GracefulShutdownTest {

    private Upstream upstream;
    private BridgeServer bridge;
    private List<Long> uids;

    @BeforeEach
    void start() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap()) {
            imap.append("Subject: one\r\n\r\nfirst\r\n".getBytes(StandardCharsets.US_ASCII), null);
            imap.append("Subject: two\r\n\r\nsecond\r\n".getBytes(StandardCharsets.US_ASCII), null);
            uids = imap.uids();
        }
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(upstream.endpoint(), imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
    }

    @AfterEach
    void stop() {
        bridge.close();
        upstream.close();
    }

    private void awaitNotListening() throws InterruptedException {
        for (int i = 0; i < 1000 && bridge.listening(); i++) {
            Thread.sleep(10);
        }
        assertFalse(bridge.listening());
    }

    /** Whether connecting fails, once the listener's close (which follows listening() = false) is through. */
    private static boolean refusesConnections(InetSocketAddress address) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            try (Socket probe = new Socket()) {
                probe.connect(address, 5_000);
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void sessionQuittingDuringGraceCompletesAndSessionStillOpenAfterItIsCutWithoutDeleting() throws Exception {
        InetSocketAddress address = bridge.localAddress();
        try (Pop3TestClient quitter = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD);
                Pop3TestClient lingerer = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD)) {
            Pop3TestClient.expectOk(quitter.command("DELE 1"));
            Pop3TestClient.expectOk(lingerer.command("DELE 2"));

            // long enough for the quitter's QUIT; the lingerer then holds the close until it ends
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> bridge.close(Duration.ofSeconds(3)));
            awaitNotListening();
            assertTrue(refusesConnections(address), "no longer accepting");

            assertEquals("+OK Logging out, 1 message deleted.", quitter.command("QUIT"));
            assertTrue(quitter.closedByServer());

            closing.get();
            assertEquals("-ERR [SYS/TEMP] Server shutting down.", lingerer.readLine());
            assertTrue(lingerer.closedByServer(), "cut at the end of the grace period");
        }
        try (RawImap imap = upstream.imap()) {
            assertTrue(imap.flags(uids.get(0)).contains("$POP3Deleted"), "QUIT during the grace period applied");
            assertFalse(imap.flags(uids.get(1)).contains("$POP3Deleted"), "the cut session deleted nothing");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // a hang here would be the hour-long grace period
    void closeWithoutSessionsReturnsAtOnceAndTwiceIsHarmless() throws Exception {
        bridge.close(Duration.ofHours(1));
        assertFalse(bridge.listening());
        assertEquals(0, bridge.openSessions());
        bridge.close(Duration.ofHours(1));
    }
}
