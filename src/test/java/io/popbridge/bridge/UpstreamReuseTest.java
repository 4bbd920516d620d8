package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.ops.Metrics;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream session reuse, driven by POP3 polls (USER, PASS, STAT, UIDL, QUIT) through popbridge to
 * GreenMail behind a counting TCP proxy: the proxy's connection count and command log show what
 * each poll cost upstream. One event loop, except where a test names two: then consecutive polls
 * land on different loops and the kept session moves between them.
 */
class UpstreamReuseTest {

    private Upstream upstream;
    private CountingProxy proxy;
    private BridgeServer bridge;
    private UpstreamSessionPool pool;
    private Metrics metrics;
    private InetSocketAddress address;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        proxy = new CountingProxy(upstream.port());
        try (RawImap imap = upstream.imap()) {
            imap.append(message("first"), null);
            imap.append(message("second"), null);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        proxy.close();
        upstream.close();
    }

    private void start(Duration idleTime) throws Exception {
        start(idleTime, Duration.ofSeconds(10));
    }

    private void start(Duration idleTime, Duration commandTimeout) throws Exception {
        start(idleTime, commandTimeout, idleTime.compareTo(Duration.ofMinutes(1)) > 0 ? idleTime : Duration.ofMinutes(1));
    }

    private void start(Duration idleTime, Duration commandTimeout, Duration maxAge) throws Exception {
        start(idleTime, commandTimeout, maxAge, 1);
    }

    private void start(Duration idleTime, Duration commandTimeout, Duration maxAge, int loops) throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), commandTimeout, 64 * 1024,
                1L << 31, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        pool = new UpstreamSessionPool(new ReuseOptions(idleTime, 10, maxAge));
        metrics = new Metrics();
        ImapMailboxProvider provider = new ImapMailboxProvider(options,
                Router.single(new Route(endpoint, imap, LoginRewrite.AS_IS)), metrics, null, MappingOptions.DEFAULTS,
                pool);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(), provider, loops);
        address = bridge.localAddress();
    }

    private static byte[] message(String subject) {
        return ("From: a@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\n\r\nbody of " + subject
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A legacy client's poll: login, STAT, UIDL, QUIT; returns the UIDL lines. */
    private List<String> poll(String password) throws IOException {
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER, password)) {
            String stat = Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("UIDL"));
            List<String> uidls = pop.lines();
            assertTrue(stat.startsWith("+OK " + uidls.size() + " "), stat);
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return uidls;
        }
    }

    private long logins() {
        return proxy.commands().stream().filter(c -> c.startsWith("LOGIN") || c.startsWith("AUTHENTICATE")).count();
    }

    private double sessions(String kind) {
        var counter = metrics.registry().find("popbridge.upstream.sessions").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void secondPollReusesTheUpstreamSessionAndSeesNewMail() throws Exception {
        start(Duration.ofSeconds(30));
        assertEquals(2, poll(Upstream.PASSWORD).size());
        assertEquals(1, proxy.connections());
        assertEquals(1, logins());
        assertEquals(1, pool.size());
        try (RawImap imap = upstream.imap()) {
            imap.append(message("third"), null);
        }
        assertEquals(3, poll(Upstream.PASSWORD).size(), "mail that arrived between polls is listed");
        assertEquals(1, proxy.connections(), "no new upstream connection");
        assertEquals(1, logins(), "no new upstream login");
        assertFalse(proxy.commands().contains("LOGOUT"));
        assertEquals(2, proxy.commands().stream().filter(c -> c.startsWith("SELECT")).count(),
                "the reused session selects again");
        assertEquals(1, sessions("fresh"));
        assertEquals(1, sessions("reused"));
        metrics.idleUpstreamSessions(pool::size);
        assertEquals(1.0, metrics.registry().get("popbridge.upstream.sessions.idle").gauge().value());
        assertTrue(metrics.scrape().contains("popbridge_upstream_sessions_total{kind=\"reused\""), metrics.scrape());
    }

    @Test
    void clientThatHangsUpWithNothingPendingLeavesItsSessionForTheNextPoll() throws Exception {
        start(Duration.ofSeconds(30));
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("STAT"));
        } // no QUIT: the DELE is not applied (RFC 1939), the session is kept
        await(() -> pool.size() == 1, "the abandoned session was kept");
        assertEquals(2, poll(Upstream.PASSWORD).size(), "nothing was deleted");
        assertEquals(1, proxy.connections());
        assertFalse(proxy.commands().stream().anyMatch(c -> c.contains("STORE")), proxy.commands().toString());
    }

    @Test
    void wrongPasswordLogsInUpstreamAndFailsWithoutEvictingTheIdleSession() throws Exception {
        start(Duration.ofSeconds(30));
        poll(Upstream.PASSWORD);
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER " + Upstream.USER));
            String reply = pop.command("PASS wrong-password");
            assertTrue(reply.startsWith("-ERR [AUTH]"), reply);
        }
        assertEquals(2, proxy.connections(), "the wrong password went to the upstream");
        assertEquals(2, logins());
        assertEquals(2, poll(Upstream.PASSWORD).size());
        assertEquals(2, proxy.connections(), "the right password still reuses the kept session");
        assertEquals(1, sessions("reused"));
    }

    @Test
    void reuseDisabledLogsInEveryPollAndLogsOut() throws Exception {
        start(Duration.ZERO);
        poll(Upstream.PASSWORD);
        poll(Upstream.PASSWORD);
        assertEquals(2, proxy.connections());
        assertEquals(2, logins());
        await(() -> proxy.commands().stream().filter("LOGOUT"::equals).count() == 2, "both sessions logged out");
        assertEquals(0, pool.size());
        assertEquals(0, sessions("reused"));
        assertEquals(2, sessions("fresh"));
    }

    @Test
    void idleSessionDroppedByTheUpstreamIsEvictedAndTheNextPollLogsInAfresh() throws Exception {
        start(Duration.ofSeconds(30));
        poll(Upstream.PASSWORD);
        assertEquals(1, pool.size());
        proxy.dropConnections();
        await(() -> pool.size() == 0, "the dropped session left the pool");
        assertEquals(2, poll(Upstream.PASSWORD).size());
        assertEquals(2, proxy.connections());
        assertEquals(2, logins());
    }

    @Test
    void idleSessionThatDiedUnnoticedFallsBackToAFreshLogin() throws Exception {
        start(Duration.ofSeconds(30), Duration.ofSeconds(1));
        poll(Upstream.PASSWORD);
        proxy.freezeConnections();
        assertEquals(1, pool.size(), "the dead connection looks alive");
        assertEquals(2, poll(Upstream.PASSWORD).size(), "the poll still works");
        assertEquals(2, proxy.connections(), "after the reused session timed out, a fresh one");
        assertEquals(2, logins());
        assertEquals(0, sessions("reused"));
    }

    @Test
    void deletedMessageStaysDeletedForTheReusedSession() throws Exception {
        start(Duration.ofSeconds(30));
        List<String> before = poll(Upstream.PASSWORD);
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        List<String> after = poll(Upstream.PASSWORD);
        assertEquals(1, proxy.connections(), "all three polls on one upstream session");
        assertEquals(1, after.size());
        String deletedUidl = before.get(0).split(" ")[1];
        assertFalse(after.get(0).endsWith(" " + deletedUidl), after.toString());
        assertEquals(before.get(1).split(" ")[1], after.get(0).split(" ")[1]);
    }

    @Test
    void idleTimeoutLogsOutUpstream() throws Exception {
        start(Duration.ofMillis(200));
        poll(Upstream.PASSWORD);
        await(() -> proxy.commands().contains("LOGOUT"), "LOGOUT after the idle time");
        assertEquals(0, pool.size());
        poll(Upstream.PASSWORD);
        assertEquals(2, proxy.connections(), "an expired session is not reused");
    }

    @Test
    void reuseNeverOutlivesMaxAgeAfterTheRealLogin() throws Exception {
        // Polls far more often than the idle time: only max-age ends the kept session.
        start(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(1));
        for (int i = 0; i < 300 && proxy.connections() < 2; i++) {
            poll(Upstream.PASSWORD);
        }
        assertEquals(2, proxy.connections(), "a real login again after max-age (1s)");
        assertTrue(sessions("reused") >= 1, "polls in between were reused");
        assertEquals(2, logins());
    }

    @Test
    void pollsAlternatingBetweenTwoEventLoopsAllShareTheOneUpstreamSession() throws Exception {
        // Netty hands accepted connections to the two loops in turn: the kept session moves to
        // the loop of each next poll.
        start(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(1), 2);
        poll(Upstream.PASSWORD);
        try (RawImap imap = upstream.imap()) {
            imap.append(message("third"), null);
        }
        assertEquals(3, poll(Upstream.PASSWORD).size(), "the moved session sees new mail");
        assertEquals(3, poll(Upstream.PASSWORD).size());
        assertEquals(3, poll(Upstream.PASSWORD).size());
        assertEquals(1, proxy.connections(), "four polls over two loops, one upstream connection");
        assertEquals(1, logins());
        assertEquals(3, sessions("reused"));
        assertFalse(proxy.commands().contains("LOGOUT"), proxy.commands().toString());
        assertEquals(1, pool.size());
    }

    @Test
    void parkingSendsNothingThatCouldExpunge() throws Exception {
        // The kept session stays selected: CLOSE would expunge the \Deleted messages of other
        // clients; the next SELECT replaces the selection.
        start(Duration.ofSeconds(30));
        poll(Upstream.PASSWORD);
        assertEquals(2, poll(Upstream.PASSWORD).size());
        assertEquals(1, proxy.connections());
        assertFalse(proxy.commands().stream().anyMatch(c -> c.startsWith("UNSELECT") || c.startsWith("CLOSE")),
                proxy.commands().toString());
    }

    @Test
    void twoSessionsOfTheSameUserAtOnceGetOneUpstreamSessionEachAndTheNewerIsKept() throws Exception {
        start(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(1), 2);
        poll(Upstream.PASSWORD); // upstream session 1 kept
        try (Pop3TestClient first = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD);
                Pop3TestClient second = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD)) {
            assertEquals(2, proxy.connections(), "the first took the kept session, the second logged in afresh");
            assertEquals(0, pool.size());
            Pop3TestClient.expectOk(first.command("DELE 1"));
            assertTrue(Pop3TestClient.expectOk(second.command("STAT")).startsWith("+OK 2 "),
                    "a DELE not yet committed does not show in the other session");
            Pop3TestClient.expectOk(first.command("QUIT"));
            await(() -> pool.size() == 1, "the first session's upstream was kept");
            Pop3TestClient.expectOk(second.command("QUIT"));
        }
        // one idle session per user: the one with the more recent real login (the second) stays
        await(() -> proxy.commands().stream().filter("LOGOUT"::equals).count() == 1, "the older one logged out");
        assertEquals(1, pool.size());
        assertEquals(1, poll(Upstream.PASSWORD).size(), "the committed DELE holds");
        assertEquals(2, proxy.connections(), "the next poll reused the kept session");
        assertEquals(2, logins());
        assertEquals(2, sessions("reused"));
    }

    @Test
    void concurrentPollsOfOneUserOverTwoLoopsAreAllCorrectAndEveryReuseSavesAConnection() throws Exception {
        start(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(1), 2);
        List<String> expected = poll(Upstream.PASSWORD);
        int threads = 4;
        int polls = 15;
        java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<List<List<String>>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pollers.submit(() -> {
                    List<List<String>> seen = new java.util.ArrayList<>();
                    for (int i = 0; i < polls; i++) {
                        seen.add(poll(Upstream.PASSWORD));
                    }
                    return seen;
                }));
            }
            for (var result : results) {
                for (List<String> uidls : result.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    assertEquals(expected, uidls, "every poll lists the same messages with the same UIDLs");
                }
            }
        } finally {
            pollers.shutdownNow();
        }
        int all = 1 + threads * polls;
        assertEquals(all, (int) (sessions("fresh") + sessions("reused")));
        assertEquals((int) sessions("fresh"), proxy.connections(), "a connection only for a fresh login");
        assertEquals(proxy.connections(), logins());
        assertTrue(sessions("reused") > 0, "some polls reused a kept session");
        await(() -> pool.size() == 1, "one idle session per user");
        long logouts = proxy.commands().stream().filter("LOGOUT"::equals).count();
        await(() -> proxy.commands().stream().filter("LOGOUT"::equals).count() == proxy.connections() - 1,
                "every other upstream session logged out; was " + logouts);
    }

    @Test
    void closingThePoolLogsOutIdleSessions() throws Exception {
        start(Duration.ofSeconds(30));
        poll(Upstream.PASSWORD);
        assertFalse(proxy.commands().contains("LOGOUT"));
        pool.close();
        await(() -> proxy.commands().contains("LOGOUT"), "LOGOUT at shutdown");
        assertEquals(0, pool.size());
        poll(Upstream.PASSWORD);
        assertEquals(2, proxy.connections(), "a closed pool keeps nothing");
        await(() -> proxy.commands().stream().filter("LOGOUT"::equals).count() == 2, "second session logged out");
    }

    @Test
    void anotherUserNeverGetsTheIdleSession() throws Exception {
        start(Duration.ofSeconds(30));
        poll(Upstream.PASSWORD);
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER2, Upstream.PASSWORD2)) {
            Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        assertEquals(2, proxy.connections());
        assertEquals(2, pool.size(), "one idle session per user");
    }
}
