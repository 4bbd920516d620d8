package io.popbridge.faults;

import static io.popbridge.faults.FakeImapServer.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream failures against a scripted IMAP server: whatever breaks, the POP3 client gets
 * {@code -ERR [SYS/TEMP]} or a closed connection (never a hang, never a truncated body ending in
 * {@code .}), nothing is deleted unless QUIT completed, and the upstream connection is not left
 * open. Timeouts are short (1 s per command) so these tests are quick; no test measures time.
 */
class UpstreamFaultsTest {

    private static final String CLOSED = "<closed>";
    /** Well above what one session needs (watermarks plus read buffers), far below the 100 MB sent. */
    private static final long MAX_BUFFER_MEMORY = 12L * 1024 * 1024;

    private FakeImapServer.Store store;
    private FakeImapServer server;
    private BridgeServer bridge;
    private byte[] big;

    @BeforeEach
    void setUp() throws Exception {
        store = new FakeImapServer.Store(7);
        store.add(message("one", 200));
        big = message("two", 2 * 1024 * 1024);
        store.add(big);
        store.add(message("three", 300));
        server = new FakeImapServer(store);
        bridge = start(server.endpoint(), "hide");
    }

    @AfterEach
    void tearDown() throws IOException {
        bridge.close();
        server.close();
    }

    static BridgeServer start(UpstreamEndpoint endpoint, String policy) throws InterruptedException {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(1), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse(policy),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        return BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
    }

    static byte[] message(String subject, int size) {
        StringBuilder text = new StringBuilder("From: a@example.com\r\nSubject: " + subject + "\r\n\r\n");
        while (text.length() < size - 80) {
            text.append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012\r\n");
        }
        text.append("end\r\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private Pop3TestClient client() throws IOException {
        Pop3TestClient pop = new Pop3TestClient(bridge.localAddress());
        pop.socket().setSoTimeout(15_000); // a hang fails the test with SocketTimeoutException
        return pop;
    }

    private Pop3TestClient login() throws IOException {
        return client().login(FakeImapServer.USER, FakeImapServer.PASSWORD);
    }

    /** The status line, or {@link #CLOSED} when the bridge closed the connection instead. */
    private static String statusOrClosed(Pop3TestClient pop, String command) throws IOException {
        try {
            return pop.command(command);
        } catch (EOFException | SocketException e) {
            return CLOSED;
        }
    }

    private static void assertTempFailureOrClosed(String status) {
        assertTrue(status.equals(CLOSED) || status.startsWith("-ERR [SYS/TEMP]"),
                "expected -ERR [SYS/TEMP] or a close, got: " + status);
    }

    private void assertNothingDeletedAndAllListed() throws Exception {
        assertTrue(store.noFlags(), "no message may be flagged");
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("LIST").startsWith("+OK"));
            assertEquals(3, pop.lines().size());
            assertTrue(pop.command("QUIT").startsWith("+OK"));
        }
    }

    private void assertUpstreamConnectionsClosed() throws InterruptedException {
        assertTrue(eventually(() -> server.open() == 0), server.open() + " upstream connection(s) left open");
    }

    @Test
    void upstreamCloseInsideFetchLiteralClosesClientWithoutTerminatorAndDeletesNothing() throws Exception {
        server.fault((conn, tag, command) -> {
            if (!command.contains("BODY.PEEK[]")) {
                return false;
            }
            conn.send("* 2 FETCH (UID 2 BODY[] {" + big.length + "}\r\n");
            conn.send(Arrays.copyOf(big, 100_000));
            conn.close(false);
            return true;
        });
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            assertTrue(pop.command("RETR 2").startsWith("+OK"));
            IOException truncated = assertThrows(IOException.class, pop::body,
                    "the body must not be terminated with '.'");
            assertTrue(truncated instanceof EOFException || truncated instanceof SocketException, truncated.toString());
        }
        server.fault(FakeImapServer.NONE);
        assertNothingDeletedAndAllListed();
        assertUpstreamConnectionsClosed();
    }

    @Test
    void byeDuringFetchAnswersTempFailureOrClosesAndDeletesNothing() throws Exception {
        server.fault((conn, tag, command) -> {
            if (!command.contains("BODY.PEEK[]")) {
                return false;
            }
            conn.send("* BYE server shutting down\r\n");
            conn.close(false);
            return true;
        });
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            String retr = statusOrClosed(pop, "RETR 3");
            assertTempFailureOrClosed(retr);
            if (!retr.equals(CLOSED)) {
                // deletes need the upstream: QUIT cannot succeed now
                assertTempFailureOrClosed(statusOrClosed(pop, "QUIT"));
            }
        }
        server.fault(FakeImapServer.NONE);
        assertNothingDeletedAndAllListed();
        assertUpstreamConnectionsClosed();
    }

    @Test
    void unsolicitedByeWhileIdleMakesQuitFailWithoutDeleting() throws Exception {
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            FakeImapServer.Conn upstream = server.lastConnection();
            upstream.send("* BYE idle too long\r\n");
            upstream.close(false);
            assertTrue(eventually(() -> server.open() == 0));
            String quit = statusOrClosed(pop, "QUIT");
            assertTempFailureOrClosed(quit);
        }
        assertNothingDeletedAndAllListed();
    }

    @Test
    void silentUpstreamDuringRetrTimesOutWithoutHangOrDeletion() throws Exception {
        server.fault((conn, tag, command) -> command.contains("BODY.PEEK[]")); // swallowed, never answered
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            assertTempFailureOrClosed(statusOrClosed(pop, "RETR 2"));
        }
        server.fault(FakeImapServer.NONE);
        assertNothingDeletedAndAllListed();
        assertUpstreamConnectionsClosed();
    }

    @Test
    void silentUpstreamDuringLoginAnswersTempFailure() throws Exception {
        server.fault((conn, tag, command) -> command.startsWith("SELECT"));
        try (Pop3TestClient pop = client()) {
            assertTrue(pop.command("USER " + FakeImapServer.USER).startsWith("+OK"));
            assertTempFailureOrClosed(statusOrClosed(pop, "PASS " + FakeImapServer.PASSWORD));
        }
        assertUpstreamConnectionsClosed();
    }

    @Test
    void silentUpstreamDuringUpdateFailsQuitAndDeletesNothing() throws Exception {
        server.fault((conn, tag, command) -> command.startsWith("UID STORE"));
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            assertTempFailureOrClosed(statusOrClosed(pop, "QUIT"));
        }
        server.fault(FakeImapServer.NONE);
        assertNothingDeletedAndAllListed();
        assertUpstreamConnectionsClosed();
    }

    @Test
    void refusedUpstreamAnswersTempFailure() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = unused.getLocalPort();
        }
        BridgeServer refused = start(new UpstreamEndpoint("127.0.0.1", port, UpstreamEndpoint.Security.PLAIN), "hide");
        try (Pop3TestClient pop = new Pop3TestClient(refused.localAddress())) {
            pop.socket().setSoTimeout(15_000);
            assertTrue(pop.command("USER " + FakeImapServer.USER).startsWith("+OK"));
            assertTrue(pop.command("PASS " + FakeImapServer.PASSWORD).startsWith("-ERR [SYS/TEMP]"));
        } finally {
            refused.close();
        }
    }

    @Test
    void upstreamRestartBetweenSessionsServesTheSameMailbox() throws Exception {
        List<String> before;
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("UIDL").startsWith("+OK"));
            before = pop.lines();
            assertTrue(pop.command("QUIT").startsWith("+OK"));
        }
        int port = server.port();
        server.close();
        try (Pop3TestClient pop = client()) {
            assertTrue(pop.command("USER " + FakeImapServer.USER).startsWith("+OK"));
            assertTempFailureOrClosed(statusOrClosed(pop, "PASS " + FakeImapServer.PASSWORD));
        }
        server = new FakeImapServer(store, port);
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("UIDL").startsWith("+OK"));
            assertEquals(before, pop.lines());
            assertTrue(pop.command("DELE 3").startsWith("+OK"));
            assertTrue(pop.command("QUIT").startsWith("+OK"));
        }
        assertEquals(Set.of(BridgeOptions.DEFAULT_HIDE_KEYWORD), store.flags(3));
        assertTrue(store.flags(1).isEmpty() && store.flags(2).isEmpty());
    }

    /**
     * The upstream comes back with a new UIDVALIDITY (mailbox recreated, UIDs restarting at 1).
     * Today the UIDLs change with it (they are derived from UIDVALIDITY and UID; the mapping layer
     * will keep them stable): what must hold already is a consistent listing of the new mailbox.
     */
    @Test
    void uidValidityChangeBetweenSessionsServesTheNewMailboxConsistently() throws Exception {
        List<String> before = uidls();
        int port = server.port();
        server.close();
        FakeImapServer.Store recreated = new FakeImapServer.Store(8);
        List<byte[]> bodies = List.of(message("new one", 150), message("new two", 250), message("new three", 350),
                message("new four", 450));
        bodies.forEach(recreated::add);
        store = recreated;
        server = new FakeImapServer(recreated, port);
        List<String> after = uidls();
        assertEquals(4, after.size());
        assertEquals(4, Set.copyOf(after).size(), "UIDLs must be unique");
        assertTrue(Collections.disjoint(before, after), "a UIDL of the old mailbox names a different message now: "
                + before + " / " + after);
        try (Pop3TestClient pop = login()) {
            for (int i = 1; i <= 4; i++) {
                assertArrayEquals(bodies.get(i - 1), pop.retr(i));
            }
            assertTrue(pop.command("DELE 2").startsWith("+OK"));
            assertTrue(pop.command("QUIT").startsWith("+OK"));
        }
        assertEquals(List.of(after.get(0), after.get(2), after.get(3)), uidls());
        assertEquals(Set.of(BridgeOptions.DEFAULT_HIDE_KEYWORD), recreated.flags(2));
    }

    private List<String> uidls() throws Exception {
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("UIDL").startsWith("+OK"));
            List<String> uidls = new ArrayList<>();
            for (String line : pop.lines()) {
                uidls.add(line.split(" ")[1]);
            }
            assertTrue(pop.command("QUIT").startsWith("+OK"));
            return uidls;
        }
    }

    @Test
    void clientDisconnectMidRetrClosesUpstreamAndDeletesNothing() throws Exception {
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            assertTrue(pop.command("RETR 2").startsWith("+OK"));
            assertTrue(pop.rawInput().readNBytes(10_000).length == 10_000);
            pop.socket().setSoLinger(true, 0); // reset, like a client that crashed
        }
        assertUpstreamConnectionsClosed();
        assertNothingDeletedAndAllListed();
        assertUpstreamConnectionsClosed();
    }

    /**
     * The design: deletes happen only after QUIT; a commit already sent upstream may finish. The
     * client vanishes while the STORE is in flight: the STORE completes, nothing else is touched,
     * and the upstream connection is closed or logged out.
     */
    @Test
    void clientDisconnectMidUpdateLetsTheSentCommitFinishAndClosesUpstream() throws Exception {
        CountDownLatch storeSeen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.fault((conn, tag, command) -> {
            if (command.startsWith("UID STORE")) {
                storeSeen.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        });
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            pop.send("QUIT");
            assertTrue(storeSeen.await(20, TimeUnit.SECONDS));
            pop.socket().setSoLinger(true, 0);
        }
        release.countDown();
        assertUpstreamConnectionsClosed();
        assertEquals(Set.of(BridgeOptions.DEFAULT_HIDE_KEYWORD), store.flags(1));
        assertTrue(store.flags(2).isEmpty() && store.flags(3).isEmpty());
    }

    /** A server answering with another message's body (UID first) must not get it to the client. */
    @Test
    void bodyOfAnotherUidIsNeverServed() throws Exception {
        byte[] other = store.live().get(0).body;
        server.fault((conn, tag, command) -> {
            if (!command.contains("BODY.PEEK[]")) {
                return false;
            }
            conn.send("* 1 FETCH (UID 1 BODY[] {" + other.length + "}\r\n");
            conn.send(other);
            conn.send(")\r\n" + tag + " OK done\r\n");
            return true;
        });
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("RETR 3").startsWith("-ERR"));
            assertTrue(pop.command("NOOP").startsWith("+OK"));
        }
    }

    /**
     * The same with the UID after the body (servers may order FETCH items freely): the body has
     * been streamed by the time the UID shows it is the wrong one, so the only safe outcome is a
     * closed connection without the terminating dot.
     */
    @Test
    void bodyOfAnotherUidAnnouncedAfterTheBodyIsNeverTerminated() throws Exception {
        byte[] other = store.live().get(0).body;
        server.fault((conn, tag, command) -> {
            if (!command.contains("BODY.PEEK[]")) {
                return false;
            }
            conn.send("* 1 FETCH (BODY[] {" + other.length + "}\r\n");
            conn.send(other);
            conn.send(" UID 1)\r\n" + tag + " OK done\r\n");
            return true;
        });
        try (Pop3TestClient pop = login()) {
            String status = statusOrClosed(pop, "RETR 3");
            if (status.startsWith("+OK")) {
                assertThrows(IOException.class, pop::body, "another message's body was terminated with '.'");
            } else {
                assertTrue(status.startsWith("-ERR") || status.equals(CLOSED), status);
            }
        }
    }

    @Test
    void nonNumericLiteralLengthAnswersTempFailure() throws Exception {
        assertMalformedFetchAnswersTempFailure("* 2 FETCH (UID 2 BODY[] {12x}\r\n");
    }

    @Test
    void oversizedLiteralLengthAnswersTempFailure() throws Exception {
        assertMalformedFetchAnswersTempFailure("* 2 FETCH (UID 2 BODY[] {99999999999999999999}\r\n");
    }

    @Test
    void literalLengthOverTheLimitAnswersTempFailure() throws Exception {
        assertMalformedFetchAnswersTempFailure("* 2 FETCH (UID 2 BODY[] {" + (1L << 40) + "}\r\n");
    }

    @Test
    void lineWithoutEndThenSilenceAnswersTempFailure() throws Exception {
        assertMalformedFetchAnswersTempFailure("* 2 FETCH (UID 2 BODY[] ");
    }

    private void assertMalformedFetchAnswersTempFailure(String response) throws Exception {
        server.fault((conn, tag, command) -> {
            if (!command.contains("BODY.PEEK[]")) {
                return false;
            }
            conn.send(response);
            return true; // and say nothing more
        });
        try (Pop3TestClient pop = login()) {
            assertTrue(pop.command("DELE 1").startsWith("+OK"));
            assertTempFailureOrClosed(statusOrClosed(pop, "RETR 2"));
        }
        server.fault(FakeImapServer.NONE);
        assertNothingDeletedAndAllListed();
        assertUpstreamConnectionsClosed();
    }

    @Test
    void hundredMegabyteUntaggedLineEndsSessionInBoundedMemory() throws Exception {
        AtomicLong peak = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        long baseline = bufferMemory();
        server.fault((conn, tag, command) -> {
            if (!command.contains("BODY.PEEK[]")) {
                return false;
            }
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            conn.send("* OK ");
            try {
                for (int i = 0; i < 100 * 16; i++) { // 100 MB without a line end
                    conn.send(chunk);
                    sent.addAndGet(chunk.length);
                    peak.accumulateAndGet(bufferMemory() - baseline, Math::max);
                }
                conn.send("\r\n" + tag + " OK done\r\n");
            } catch (IOException closedByBridge) {
                // the bridge gave up on the line and closed the connection: fine
            }
            return true;
        });
        try (Pop3TestClient pop = login()) {
            assertTempFailureOrClosed(statusOrClosed(pop, "RETR 2"));
        }
        assertUpstreamConnectionsClosed();
        assertTrue(peak.get() < MAX_BUFFER_MEMORY, "buffer memory grew by " + peak.get() + " bytes after "
                + sent.get() + " bytes of one line");
        server.fault(FakeImapServer.NONE);
        assertNothingDeletedAndAllListed();
    }

    static long bufferMemory() {
        long used = 0;
        for (ByteBufAllocator allocator : List.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT)) {
            if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
                ByteBufAllocatorMetric metric = provider.metric();
                used += metric.usedDirectMemory() + metric.usedHeapMemory();
            }
        }
        return used;
    }
}
