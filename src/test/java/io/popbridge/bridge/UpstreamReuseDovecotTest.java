package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream session reuse against a real Dovecot (STARTTLS, certificate verified) behind a counting
 * TCP proxy: consecutive POP3 polls share one upstream connection, see new mail and deletions, and
 * a wrong password still gets Dovecot's answer. Skipped with a reason when Dovecot is absent.
 */
class UpstreamReuseDovecotTest {

    private static DovecotServer dovecot;
    private CountingProxy proxy;
    private BridgeServer bridge;
    private UpstreamSessionPool pool;
    private InetSocketAddress address;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotServer.startOrSkip();
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private io.popbridge.mapping.MappingStore store;

    private void start(Duration idleTime) throws Exception {
        start(idleTime, false);
    }

    /** With {@code mapped}: a SQLite mapping store and the listing cache (the production default). */
    private void start(Duration idleTime, boolean mapped) throws Exception {
        start(idleTime, mapped, 1, UpstreamEndpoint.Security.STARTTLS);
    }

    /** On {@code loops} event loops, to Dovecot over STARTTLS or (to read the commands) in the clear. */
    private void start(Duration idleTime, boolean mapped, int loops, UpstreamEndpoint.Security security)
            throws Exception {
        if (mapped) {
            store = io.popbridge.mapping.MappingStore.open(new io.popbridge.mapping.StoreConfig.Sqlite(
                    java.nio.file.Files.createTempDirectory("reuse-store").resolve("popbridge.db")));
        }
        proxy = new CountingProxy(dovecot.imapPort());
        SslContext tls = SslContextBuilder.forClient().trustManager(dovecot.certificatePem().toFile())
                .protocols("TLSv1.3", "TLSv1.2").build();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024,
                1L << 31, tls);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), security);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        pool = new UpstreamSessionPool(new ReuseOptions(idleTime, 10));
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options, Router.single(new Route(endpoint, imap, LoginRewrite.AS_IS)),
                        UpstreamObserver.NONE, store, MappingOptions.DEFAULTS, pool), loops);
        address = bridge.localAddress();
    }

    private static byte[] message(String subject) {
        return ("From: a@example.com\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n\r\nbody of " + subject
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private List<String> poll(String user) throws IOException {
        try (Pop3TestClient pop = new Pop3TestClient(address).login(user, dovecot.password(user))) {
            Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("UIDL"));
            List<String> uidls = pop.lines();
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return uidls;
        }
    }

    @Test
    void pollsShareOneUpstreamSessionSeeNewMailAndDeletions() throws Exception {
        start(Duration.ofSeconds(30));
        dovecot.append("bob", message("one"));
        dovecot.append("bob", message("two"));
        List<String> first = poll("bob");
        assertEquals(1, proxy.connections());
        dovecot.append("bob", message("three"));
        List<String> second = poll("bob");
        assertEquals(first.size() + 1, second.size(), "mail that arrived between polls is listed");
        assertEquals(1, proxy.connections(), "the second poll made no upstream connection");

        try (Pop3TestClient pop = new Pop3TestClient(address).login("bob", dovecot.password("bob"))) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        List<String> third = poll("bob");
        assertEquals(1, proxy.connections());
        assertEquals(second.size() - 1, third.size());
        String deleted = second.get(0).split(" ")[1];
        assertFalse(third.stream().anyMatch(l -> l.endsWith(" " + deleted)), third.toString());
    }

    @Test
    void withTheStoreAndListingCacheTheReusedSessionSeesNewMailAndDeletions() throws Exception {
        start(Duration.ofSeconds(30), true);
        dovecot.append("bob", message("cache one"));
        List<String> first = poll("bob");
        dovecot.append("bob", message("cache two"));
        List<String> second = poll("bob");
        assertEquals(first.size() + 1, second.size());
        assertEquals(1, proxy.connections(), "the second poll reused the session through the cached login");
        try (Pop3TestClient pop = new Pop3TestClient(address).login("bob", dovecot.password("bob"))) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        List<String> third = poll("bob");
        assertEquals(second.size() - 1, third.size());
        assertEquals(1, proxy.connections());
        assertEquals(second.subList(1, second.size()).stream().map(l -> l.split(" ")[1]).toList(),
                third.stream().map(l -> l.split(" ")[1]).toList(), "same UIDLs, minus the deleted one");
    }

    @Test
    void overTlsTheKeptSessionMovesBetweenEventLoops() throws Exception {
        // Netty hands accepted POP3 connections to the two loops in turn.
        start(Duration.ofSeconds(30), true, 2, UpstreamEndpoint.Security.STARTTLS);
        dovecot.append("alice", message("loops one"));
        List<String> first = poll("alice");
        dovecot.append("alice", message("loops two"));
        List<String> second = poll("alice");
        assertEquals(first.size() + 1, second.size(), "the moved TLS session sees new mail");
        assertEquals(second, poll("alice"));
        assertEquals(second, poll("alice"));
        assertEquals(1, proxy.connections(), "four polls over two loops, one upstream connection");
    }

    @Test
    void reusedSessionsOverTwoLoopsEnableQresyncOnlyOnce() throws Exception {
        start(Duration.ofSeconds(30), true, 2, UpstreamEndpoint.Security.PLAIN);
        dovecot.append("bob", message("plain one"));
        List<String> first = poll("bob");
        assertEquals(first, poll("bob"));
        dovecot.append("bob", message("plain two"));
        assertEquals(first.size() + 1, poll("bob").size());
        assertEquals(1, proxy.connections());
        List<String> commands = proxy.commands();
        assertEquals(1, commands.stream().filter(c -> c.startsWith("ENABLE")).count(),
                "QRESYNC stays enabled on the connection; a reused session does not send ENABLE again: " + commands);
        int firstSelect = commands.indexOf(commands.stream().filter(c -> c.startsWith("SELECT")).findFirst().orElseThrow());
        assertTrue(commands.subList(0, firstSelect).stream().anyMatch(c -> c.startsWith("ENABLE")),
                "ENABLE only in the authenticated state, before the first SELECT: " + commands);
        assertEquals(3, commands.stream().filter(c -> c.startsWith("SELECT")).count(), commands.toString());
        assertFalse(commands.stream().anyMatch(c -> c.startsWith("CLOSE") || c.equals("LOGOUT")),
                commands.toString());
    }

    @Test
    void concurrentPollsOverTwoLoopsListInFullOnlyOncePerUser() throws Exception {
        start(Duration.ofSeconds(30), true, 2, UpstreamEndpoint.Security.PLAIN);
        dovecot.append("alice", message("concurrent a"));
        dovecot.append("bob", message("concurrent b"));
        java.util.Map<String, List<String>> expected = java.util.Map.of("alice", poll("alice"), "bob", poll("bob"));
        java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String user = t % 2 == 0 ? "alice" : "bob";
                done.add(pollers.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        assertEquals(expected.get(user), poll(user));
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pollers.shutdownNow();
        }
        List<String> commands = proxy.commands();
        assertEquals(2, commands.stream().filter(c -> c.startsWith("UID FETCH 1:*")).count(),
                "one full listing per user, the rest from the listing cache: " + commands.stream()
                        .filter(c -> c.startsWith("UID FETCH") || c.startsWith("SELECT")).toList());
    }

    @Test
    void wrongPasswordGetsDovecotsAnswer() throws Exception {
        start(Duration.ofSeconds(30));
        poll("alice");
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER alice"));
            String reply = pop.command("PASS not-" + dovecot.password("alice"));
            assertTrue(reply.startsWith("-ERR [AUTH]"), reply);
        }
        assertEquals(2, proxy.connections(), "the wrong password was tried upstream");
        poll("alice");
        assertEquals(2, proxy.connections(), "the right password reuses the kept session");
    }

    @Test
    void withReuseOffEveryPollConnects() throws Exception {
        start(Duration.ZERO);
        poll("alice");
        poll("alice");
        assertEquals(2, proxy.connections());
    }
}
