package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RETR and TOP prefetch through popbridge in front of a real Dovecot (skipped with a reason when
 * Dovecot is absent), with a recording proxy between them: byte-exact contents, the next fetch
 * sent before the client asks, each body fetched once, a message above the limit relayed as usual.
 */
class PrefetchDovecotTest {

    private static DovecotServer dovecot;
    private static final List<Long> uids = new ArrayList<>();
    /** Message number (1-based) of the 300 KB message, above the default limit. */
    private static int large;
    private CountingProxy proxy;
    private BridgeServer bridge;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotServer.startOrSkip();
        List<byte[]> messages = new ArrayList<>(Corpus.framingCorpus());
        messages.add(PrefetchTest.message(1, 300_000));
        large = messages.size();
        for (int i = 2; i <= 5; i++) {
            messages.add(PrefetchTest.message(i, 20_000 * i));
        }
        for (byte[] m : messages) {
            uids.add(dovecot.append("alice", m));
        }
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        proxy = new CountingProxy(dovecot.imapPort());
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024,
                1L << 31, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
    }

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        proxy.close();
    }

    private Pop3TestClient login() throws Exception {
        return new Pop3TestClient(bridge.localAddress()).login("alice", dovecot.password("alice"));
    }

    private static RawImap imap() throws Exception {
        return new RawImap("127.0.0.1", dovecot.imapPort(), "alice", dovecot.password("alice"));
    }

    private long count(String command) {
        return proxy.commands().stream().filter(command::equals).count();
    }

    private void await(String command) throws InterruptedException {
        for (int i = 0; i < 500 && count(command) == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, count(command), "upstream saw " + proxy.commands());
    }

    private static String body(int n) {
        return "UID FETCH " + uids.get(n - 1) + " (UID BODY.PEEK[])";
    }

    private static String header(int n) {
        return "UID FETCH " + uids.get(n - 1) + " (UID BODY.PEEK[HEADER])";
    }

    @Test
    void retrOfEveryMessageInOrderIsByteExactWithEachBodyFetchedOnce() throws Exception {
        try (Pop3TestClient pop = login(); RawImap imap = imap()) {
            for (int n = 1; n <= uids.size(); n++) {
                if (n >= 3 && n != large) {
                    await(body(n)); // fetched ahead, before this RETR is sent
                }
                if (n == large) {
                    Pop3TestClient.expectOk(pop.command("NOOP"));
                    assertEquals(0, count(body(n)), "300 KB message fetched ahead: " + proxy.commands());
                }
                byte[] expected = BridgeEndToEndTest.crlf(imap.body(uids.get(n - 1)));
                assertArrayEquals(expected, pop.retr(n), "message " + n);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        for (int n = 1; n <= uids.size(); n++) {
            assertEquals(1, count(body(n)), "message " + n + ": " + proxy.commands());
        }
    }

    @Test
    void retrOutOfOrderAndTopLoopAreByteExact() throws Exception {
        int[] order = {3, 1, 2, 3, 4, 9, 10, 11, 5, 6, 7, 8, 12};
        try (Pop3TestClient pop = login(); RawImap imap = imap()) {
            for (int n : order) {
                if (n > uids.size()) {
                    continue;
                }
                byte[] expected = BridgeEndToEndTest.crlf(imap.body(uids.get(n - 1)));
                assertArrayEquals(expected, pop.retr(n), "message " + n);
            }
            for (int n = 1; n <= uids.size(); n++) {
                if (n >= 3) {
                    await(header(n));
                }
                byte[] full = BridgeEndToEndTest.crlf(imap.body(uids.get(n - 1)));
                Pop3TestClient.expectOk(pop.command("TOP " + n + " 0"));
                assertArrayEquals(Corpus.top(full, 0), pop.body(), "TOP " + n + " 0: "
                        + new String(Corpus.top(full, 0), StandardCharsets.ISO_8859_1));
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }
}
