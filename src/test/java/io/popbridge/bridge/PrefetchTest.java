package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import io.popbridge.imap.UpstreamEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RETR prefetch through a real POP3 socket, popbridge and GreenMail, with a recording proxy in
 * between that shows which FETCH commands went upstream and when.
 */
class PrefetchTest {

    private static final int MESSAGES = 6;

    private Upstream upstream;
    private CountingProxy proxy;
    private BridgeServer bridge;
    private final List<byte[]> messages = new ArrayList<>();
    private List<Long> uids;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap()) {
            for (int i = 1; i <= MESSAGES; i++) {
                // message 3 is the large one (for the limit test); dot-led lines everywhere
                byte[] m = message(i, i == 3 ? 12_000 : 300 + 97 * i);
                messages.add(m);
                imap.append(m, null);
            }
            uids = imap.uids();
        }
        proxy = new CountingProxy(upstream.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        proxy.close();
        upstream.close();
    }

    static byte[] message(int n, int approxSize) {
        StringBuilder sb = new StringBuilder("From: a@example.com\r\nSubject: message " + n + "\r\n\r\n");
        for (int line = 0; sb.length() < approxSize; line++) {
            sb.append(line % 5 == 0 ? "." : "").append("line ").append(line).append(" of message ").append(n)
                    .append(line % 7 == 0 ? " ..\r\n" : "\r\n");
        }
        sb.append(".\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private InetSocketAddress start(RetrievePolicy retrieve, int prefetchLimit) throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"), retrieve,
                BridgeOptions.DEFAULT_HIDE_KEYWORD, prefetchLimit);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
        return bridge.localAddress();
    }

    private Pop3TestClient login(InetSocketAddress address) throws IOException {
        return new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD);
    }

    private String fetchOf(int n) {
        return "UID FETCH " + uids.get(n - 1) + " (UID BODY.PEEK[])";
    }

    /** How many times the body of message n was fetched upstream so far. */
    private long fetches(int n) {
        return proxy.commands().stream().filter(fetchOf(n)::equals).count();
    }

    private long totalFetches() {
        long total = 0;
        for (int n = 1; n <= MESSAGES; n++) {
            total += fetches(n);
        }
        return total;
    }

    /** Waits (bounded) until the proxy has seen {@code n} body fetches of message {@code m}. */
    private void awaitFetches(int m, int n) throws InterruptedException {
        for (int i = 0; i < 500 && fetches(m) < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, fetches(m), "body fetches of message " + m + "; upstream saw " + proxy.commands());
    }

    @Test
    void retrOfEveryMessageInOrderIsByteExactAndFetchesEachBodyOnce() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        try (Pop3TestClient pop = login(address)) {
            assertArrayEquals(messages.get(0), pop.retr(1));
            assertArrayEquals(messages.get(1), pop.retr(2));
            // the second RETR of consecutive messages fetched message 3 before the client asks for it
            awaitFetches(3, 1);
            for (int n = 3; n <= MESSAGES; n++) {
                awaitFetches(n, 1);
                assertArrayEquals(messages.get(n - 1), pop.retr(n), "message " + n);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        for (int n = 1; n <= MESSAGES; n++) {
            assertEquals(1, fetches(n), "message " + n + " fetched once: " + proxy.commands());
        }
    }

    /** A client that pipelines all its RETRs gets every message byte-exact, each fetched once. */
    @Test
    void pipelinedRetrsAreByteExactAndFetchEachBodyOnce() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        try (Pop3TestClient pop = login(address)) {
            for (int n = 1; n <= MESSAGES; n++) {
                pop.send("RETR " + n);
            }
            pop.send("QUIT");
            for (int n = 1; n <= MESSAGES; n++) {
                Pop3TestClient.expectOk(pop.readLine());
                assertArrayEquals(messages.get(n - 1), pop.body(), "message " + n);
            }
            Pop3TestClient.expectOk(pop.readLine());
        }
        awaitCommand("LOGOUT");
        for (int n = 1; n <= MESSAGES; n++) {
            assertEquals(1, fetches(n), "message " + n + " fetched once: " + proxy.commands());
        }
    }

    @Test
    void retrOutOfOrderIsByteExact() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        int[] order = {4, 2, 3, 1, 6, 4, 5, 6, 5, 1, 2, 3, 4};
        try (Pop3TestClient pop = login(address)) {
            for (int n : order) {
                assertArrayEquals(messages.get(n - 1), pop.retr(n), "message " + n);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        // 2, 3 prefetched 4, dropped by RETR 1; 4, 5 prefetched 6, served; 1, 2 prefetched 3, served;
        // 2, 3 prefetched 4, served; 3, 4 prefetched 5, dropped at QUIT: ten fresh fetches, five ahead
        long expected = 15;
        for (int i = 0; i < 500 && totalFetches() < expected; i++) {
            Thread.sleep(10);
        }
        assertEquals(expected, totalFetches(), "upstream saw " + proxy.commands());
        assertEquals(2, fetches(6), "message 6: RETR 6, then fetched ahead and served");
    }

    @Test
    void deleOfThePrefetchedMessageDropsItAndTheLoopGoesOn() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        try (Pop3TestClient pop = login(address)) {
            assertArrayEquals(messages.get(3), pop.retr(4));
            assertArrayEquals(messages.get(4), pop.retr(5));
            awaitFetches(6, 1);
            Pop3TestClient.expectOk(pop.command("DELE 6"));
            assertTrue(pop.command("RETR 6").startsWith("-ERR"), "RETR of a deleted message");
            assertArrayEquals(messages.get(0), pop.retr(1));
            assertArrayEquals(messages.get(1), pop.retr(2));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            assertTrue(imap.flags(uids.get(5)).contains(BridgeOptions.DEFAULT_HIDE_KEYWORD));
            assertFalse(imap.flags(uids.get(4)).contains(BridgeOptions.DEFAULT_HIDE_KEYWORD));
        }
    }

    @Test
    void messageAboveTheLimitIsNotFetchedAheadButServedWhole() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, 4096);
        try (Pop3TestClient pop = login(address)) {
            assertArrayEquals(messages.get(0), pop.retr(1));
            assertArrayEquals(messages.get(1), pop.retr(2));
            Pop3TestClient.expectOk(pop.command("NOOP"));
            assertEquals(0, fetches(3), "message 3 (12 KB) fetched ahead: " + proxy.commands());
            assertArrayEquals(messages.get(2), pop.retr(3));
            awaitFetches(4, 1); // the loop goes on after the large message
            for (int n = 4; n <= MESSAGES; n++) {
                assertArrayEquals(messages.get(n - 1), pop.retr(n), "message " + n);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        for (int n = 1; n <= MESSAGES; n++) {
            assertEquals(1, fetches(n), "message " + n + " fetched once: " + proxy.commands());
        }
    }

    @Test
    void prefetchOffFetchesNothingAhead() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, 0);
        try (Pop3TestClient pop = login(address)) {
            for (int n = 1; n <= 3; n++) {
                assertArrayEquals(messages.get(n - 1), pop.retr(n));
            }
            Pop3TestClient.expectOk(pop.command("NOOP"));
            assertEquals(0, fetches(4), "upstream saw " + proxy.commands());
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    /** Under the seen policy only what the client really retrieved is marked \Seen. */
    @Test
    void prefetchedButNotRetrievedMessageIsNotMarkedSeen() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.SEEN, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        try (Pop3TestClient pop = login(address)) {
            assertArrayEquals(messages.get(3), pop.retr(4));
            assertArrayEquals(messages.get(4), pop.retr(5));
            awaitFetches(6, 1);
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        awaitCommand("LOGOUT");
        try (RawImap imap = upstream.imap()) {
            assertTrue(imap.flags(uids.get(3)).contains("\\Seen"));
            assertTrue(imap.flags(uids.get(4)).contains("\\Seen"));
            assertFalse(imap.flags(uids.get(5)).contains("\\Seen"), "prefetched message 6 marked \\Seen");
        }
        // and a prefetched message that is retrieved is marked
        proxy.reset();
        address = bridge.localAddress();
        try (Pop3TestClient pop = login(address)) {
            for (int n = 4; n <= 6; n++) {
                assertArrayEquals(messages.get(n - 1), pop.retr(n));
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = upstream.imap()) {
            assertTrue(imap.flags(uids.get(5)).contains("\\Seen"));
        }
    }

    @Test
    void quitWhilePrefetchingLogsOutCleanly() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        try (Pop3TestClient pop = login(address)) {
            assertArrayEquals(messages.get(0), pop.retr(1));
            assertArrayEquals(messages.get(1), pop.retr(2));
            // pipelined right behind RETR 2: the prefetch of message 3 is at most just started
            String reply = pop.command("QUIT");
            assertTrue(reply.startsWith("+OK"), reply);
            assertTrue(pop.closedByServer());
        }
        awaitCommand("LOGOUT");
        assertEquals(1, fetches(3), "upstream saw " + proxy.commands());
    }

    @Test
    void topLoopIsServedFromHeadersFetchedAhead() throws Exception {
        InetSocketAddress address = start(RetrievePolicy.PEEK, BridgeOptions.DEFAULT_PREFETCH_LIMIT);
        try (Pop3TestClient pop = login(address)) {
            for (int n = 1; n <= MESSAGES; n++) {
                if (n >= 3) {
                    awaitCommand(headerFetchOf(n)); // asked for by TOP n - 1, before the client sends TOP n
                }
                Pop3TestClient.expectOk(pop.command("TOP " + n + " 0"));
                assertArrayEquals(top(n, 0), pop.body(), "TOP " + n + " 0");
            }
            // a header fetched ahead also serves TOP with body lines; a RETR drops it and fetches the body
            Pop3TestClient.expectOk(pop.command("TOP 1 0"));
            pop.body();
            Pop3TestClient.expectOk(pop.command("TOP 2 0"));
            pop.body();
            awaitHeaderFetches(3, 2);
            Pop3TestClient.expectOk(pop.command("TOP 3 2"));
            assertArrayEquals(top(3, 2), pop.body());
            awaitHeaderFetches(4, 2);
            assertArrayEquals(messages.get(3), pop.retr(4));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        for (int n = 1; n <= MESSAGES; n++) {
            long headers = proxy.commands().stream().filter(headerFetchOf(n)::equals).count();
            assertEquals(n <= 4 ? 2 : 1, headers, "header fetches of message " + n + ": " + proxy.commands());
        }
    }

    private String headerFetchOf(int n) {
        return "UID FETCH " + uids.get(n - 1) + " (UID BODY.PEEK[HEADER])";
    }

    private void awaitHeaderFetches(int m, int n) throws InterruptedException {
        for (int i = 0; i < 500 && proxy.commands().stream().filter(headerFetchOf(m)::equals).count() < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, proxy.commands().stream().filter(headerFetchOf(m)::equals).count(), "" + proxy.commands());
    }

    /** What TOP n lines sends: the header, the empty line, the first {@code lines} body lines. */
    private byte[] top(int n, int lines) {
        String text = new String(messages.get(n - 1), StandardCharsets.US_ASCII);
        int bodyStart = text.indexOf("\r\n\r\n") + 4;
        int end = bodyStart;
        for (int i = 0; i < lines; i++) {
            end = text.indexOf("\r\n", end) + 2;
        }
        return text.substring(0, end).getBytes(StandardCharsets.US_ASCII);
    }

    private void awaitCommand(String command) throws InterruptedException {
        for (int i = 0; i < 500 && !proxy.commands().contains(command); i++) {
            Thread.sleep(10);
        }
        assertTrue(proxy.commands().contains(command), "upstream saw " + proxy.commands());
    }
}
