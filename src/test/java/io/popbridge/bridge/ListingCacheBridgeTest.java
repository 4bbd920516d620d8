package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.ModSeqImapServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listing cache in a POP3 login (client socket → popbridge with an SQLite store → upstream):
 * first login, a repeat login on an unchanged mailbox (no full listing, no fingerprint fetch,
 * counted at the upstream), one new + one expunged message (UIDLs as a fresh full assignment
 * gives them), and a restart on the same SQLite file that keeps the cache. Upstreams: the modelled
 * server with QRESYNC, CONDSTORE only and neither; GreenMail; Dovecot with QRESYNC.
 */
class ListingCacheBridgeTest {

    private static final String FULL_FETCH = "UID FETCH 1:* ";
    private static final String FINGERPRINTS = "HEADER.FIELDS (MESSAGE-ID)";

    @TempDir
    Path dir;

    /** Upstreams and proxies, stopped after the test. */
    private final List<AutoCloseable> running = new ArrayList<>();
    /** Bridges and their stores, stopped by a restart or after the test. */
    private final List<AutoCloseable> bridges = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        stop();
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    /** A bridge with a store on {@code db}; stopped (bridge, then store) after the test or by {@link #stop}. */
    private BridgeServer start(UpstreamEndpoint endpoint, String mailbox, String policy, Path db, long cacheMessages)
            throws Exception {
        return start(endpoint, mailbox, policy, db, MappingOptions.DEFAULTS.withListingCache(cacheMessages));
    }

    private BridgeServer start(UpstreamEndpoint endpoint, String mailbox, String policy, Path db, MappingOptions mapping)
            throws Exception {
        MappingStore store = MappingStore.open(new StoreConfig.Sqlite(db));
        bridges.add(store);
        BridgeServer bridge = MappingBridgeTest.start(endpoint, null, mailbox, policy, store, new AtomicInteger(),
                mapping);
        bridges.add(bridge::close);
        return bridge;
    }

    /** A restart: every bridge and store stopped (the SQLite files stay). */
    private void stop() throws Exception {
        for (int i = bridges.size() - 1; i >= 0; i--) {
            bridges.get(i).close();
        }
        bridges.clear();
    }

    /** STAT + UIDL + QUIT; the UIDLs in POP3 order (STAT's count checked against them). */
    static List<String> statUidl(InetSocketAddress address, String user, String password) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(address).login(user, password)) {
            String stat = Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("UIDL"));
            List<String> uidls = new ArrayList<>();
            for (String line : pop.lines()) {
                uidls.add(line.split(" ")[1]);
            }
            assertEquals(uidls.size(), Integer.parseInt(stat.split(" ")[1]), stat);
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return uidls;
        }
    }

    private static boolean any(List<String> commands, String part) {
        return commands.stream().anyMatch(c -> c.contains(part));
    }

    @ParameterizedTest
    @ValueSource(strings = {"IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", "IMAP4rev1 CONDSTORE", "IMAP4rev1"})
    void modelledUpstream(String capabilities) throws Exception {
        ModSeqImapServer server = new ModSeqImapServer(capabilities, 777);
        running.add(server);
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            uids.add(server.append(1000 + i));
        }
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Path db = dir.resolve("cache.db");
        Runnable reset = server::resetCounts;
        Supplier<List<String>> commands = server::commands;
        Supplier<Long> down = server::bytesToClient;
        Scenario scenario = new Scenario(endpoint, "INBOX", ModSeqImapServer.USER, ModSeqImapServer.PASSWORD, db,
                reset, commands, down);
        scenario.run(() -> {
            long added = server.append(4242);
            server.expunge(uids.get(2));
            return added;
        }, capabilities.contains("QRESYNC"));
    }

    @Test
    void aStoreThatCannotGiveTheCachedListingCostsAFullListingNotTheLogin() throws Exception {
        ModSeqImapServer server = new ModSeqImapServer("IMAP4rev1 ENABLE CONDSTORE QRESYNC", 21);
        running.add(server);
        for (int i = 0; i < 20; i++) {
            server.append(700 + i);
        }
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Path db = dir.resolve("loads.db");
        List<String> first = statUidl(start(endpoint, "INBOX", "hide", db, 1_000_000).localAddress(),
                ModSeqImapServer.USER, ModSeqImapServer.PASSWORD);
        stop();

        // restart with a store whose listing reads fail (everything else works)
        MappingStore real = MappingStore.open(new StoreConfig.Sqlite(db));
        bridges.add(real);
        MappingStore loadsFail = (MappingStore) java.lang.reflect.Proxy.newProxyInstance(
                MappingStore.class.getClassLoader(), new Class<?>[] {MappingStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("loadListing")) {
                        return java.util.concurrent.CompletableFuture.failedFuture(
                                new io.popbridge.mapping.StoreException("listing row unreadable"));
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        BridgeServer bridge = MappingBridgeTest.start(endpoint, null, "INBOX", "hide", loadsFail, new AtomicInteger(),
                MappingOptions.DEFAULTS);
        bridges.add(bridge::close);
        server.resetCounts();
        assertEquals(first, statUidl(bridge.localAddress(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD));
        List<String> sent = server.commands();
        assertTrue(any(sent, FULL_FETCH), sent.toString());
        assertFalse(any(sent, FINGERPRINTS), sent.toString()); // the store knew every UIDL
    }

    @Test
    void metersInTheServersRegistry() throws Exception {
        ModSeqImapServer server = new ModSeqImapServer("IMAP4rev1 ENABLE CONDSTORE QRESYNC", 9);
        running.add(server);
        for (int i = 0; i < 10; i++) {
            server.append(500 + i);
        }
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        io.popbridge.imap.ImapClientOptions imap = new io.popbridge.imap.ImapClientOptions(java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(10), 64 * 1024, 1L << 31, null);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        io.popbridge.ops.Metrics metrics = new io.popbridge.ops.Metrics();
        MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("meters.db")));
        bridges.add(store);
        BridgeServer bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0),
                io.popbridge.pop3.Pop3Options.defaults(), new ImapMailboxProvider(options,
                        Router.single(new Route(endpoint, imap, LoginRewrite.AS_IS)), metrics, store,
                        MappingOptions.DEFAULTS, new io.popbridge.mapping.ListingCache(store, 1_000_000,
                                metrics.registry())), 1);
        bridges.add(bridge::close);
        statUidl(bridge.localAddress(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD);
        statUidl(bridge.localAddress(), ModSeqImapServer.USER, ModSeqImapServer.PASSWORD);
        String text = metrics.registry().scrape();
        assertTrue(text.contains("cache_gets_total{cache=\"listing\",result=\"hit\"} 1.0"), text);
        assertTrue(text.contains("cache_gets_total{cache=\"listing\",result=\"miss\"} 1.0"), text);
        assertTrue(text.contains("popbridge_listing_store_total{op=\"load\"} 1.0"), text);
        assertTrue(text.contains("popbridge_listing_store_total{op=\"save\"} 1.0"), text);
        assertTrue(text.contains("popbridge_listing_store_total{op=\"skip\"} 1.0"), text);
    }

    /**
     * Users whose window has date limits get the cached path too: the modelled server dates every
     * message 01-Mar-2024 10:00 UTC, so a younger-than-days window just wide enough lists all, one
     * a few days narrower none, and from-now-on none; repeat logins send no UID FETCH at all and
     * the login after a new message no full listing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", "IMAP4rev1"})
    void dateWindowsUseTheCachedListing(String capabilities) throws Exception {
        ModSeqImapServer server = new ModSeqImapServer(capabilities, 778);
        running.add(server);
        for (int i = 0; i < 40; i++) {
            server.append(900 + i);
        }
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        long days = java.time.temporal.ChronoUnit.DAYS.between(java.time.Instant.parse("2024-03-01T10:00:00Z"),
                java.time.Instant.now()) + 2;
        record Case(MappingOptions.Window window, boolean listsAll) {
        }
        int messages = 40;
        List<Case> cases = List.of(new Case(new MappingOptions.Window(0, (int) days, false), true),
                new Case(new MappingOptions.Window(0, (int) days - 4, false), false),
                new Case(new MappingOptions.Window(0, 0, true), false));
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            MappingOptions mapping = new MappingOptions("#", MappingOptions.Window.ALL,
                    java.util.Map.of(ModSeqImapServer.USER, k.window()));
            InetSocketAddress bridge = start(endpoint, "INBOX", "hide", dir.resolve("dates" + c + ".db"), mapping)
                    .localAddress();
            server.resetCounts();
            List<String> first = statUidl(bridge, ModSeqImapServer.USER, ModSeqImapServer.PASSWORD);
            assertEquals(k.listsAll() ? messages : 0, first.size(), k.toString());
            assertTrue(any(server.commands(), FULL_FETCH), server.commands().toString());

            server.resetCounts();
            assertEquals(first, statUidl(bridge, ModSeqImapServer.USER, ModSeqImapServer.PASSWORD), k.toString());
            assertFalse(any(server.commands(), "UID FETCH"), k + " " + server.commands());

            server.append(4242);
            messages++;
            server.resetCounts();
            List<String> third = statUidl(bridge, ModSeqImapServer.USER, ModSeqImapServer.PASSWORD);
            assertEquals(k.listsAll() ? messages : 0, third.size(), k.toString());
            assertEquals(first, third.subList(0, first.size()), k.toString());
            assertFalse(any(server.commands(), FULL_FETCH), k + " " + server.commands());
            stop();
        }
    }

    @Test
    void greenMailWithoutCondStore() throws Exception {
        Upstream upstream = new Upstream();
        running.add(upstream);
        try (RawImap imap = upstream.imap()) {
            for (int i = 0; i < 60; i++) {
                imap.append(Corpus.message("message " + i, "body " + i + "\r\n"), null);
            }
        }
        CountingProxy proxy = new CountingProxy(upstream.port());
        running.add(proxy);
        realServer(proxy, Upstream.USER, Upstream.PASSWORD, upstream::imap, false);
    }

    @Test
    void dovecotWithQresync() throws Exception {
        DovecotServer dovecot = DovecotServer.startOrSkip();
        running.add(dovecot);
        String password = dovecot.password("alice");
        RawImapSource oracle = () -> new RawImap(dovecot.host(), dovecot.imapPort(), "alice", password);
        try (RawImap imap = oracle.open()) {
            for (int i = 0; i < 60; i++) {
                imap.append(Corpus.message("message " + i, "body " + i + "\r\n"), null);
            }
        }
        CountingProxy proxy = new CountingProxy(dovecot.imapPort());
        running.add(proxy);
        realServer(proxy, "alice", password, oracle, true);
    }

    interface RawImapSource {
        RawImap open() throws Exception;
    }

    private void realServer(CountingProxy proxy, String user, String password, RawImapSource oracle, boolean qresync)
            throws Exception {
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN);
        Scenario scenario = new Scenario(endpoint, "INBOX", user, password, dir.resolve("cache.db"), proxy::reset,
                proxy::commands, proxy::bytesDown);
        scenario.run(() -> {
            try (RawImap imap = oracle.open()) {
                List<Long> uids = imap.uids();
                imap.append(Corpus.message("new one", "new\r\n"), null);
                imap.ok("UID STORE " + uids.get(2) + " +FLAGS.SILENT (\\Deleted)");
                imap.ok("EXPUNGE");
                List<Long> after = imap.uids();
                return after.get(after.size() - 1);
            }
        }, qresync);
    }

    interface Change {
        /** Appends one message and expunges the third; returns the new message's UID. */
        long apply() throws Exception;
    }

    private final class Scenario {
        final UpstreamEndpoint endpoint;
        final String mailbox;
        final String user;
        final String password;
        final Path db;
        final Runnable reset;
        final Supplier<List<String>> commands;
        final Supplier<Long> down;

        Scenario(UpstreamEndpoint endpoint, String mailbox, String user, String password, Path db, Runnable reset,
                Supplier<List<String>> commands, Supplier<Long> down) {
            this.endpoint = endpoint;
            this.mailbox = mailbox;
            this.user = user;
            this.password = password;
            this.db = db;
            this.reset = reset;
            this.commands = commands;
            this.down = down;
        }

        void run(Change change, boolean qresync) throws Exception {
            InetSocketAddress bridge = start(endpoint, mailbox, "hide", db, 1_000_000).localAddress();

            // first login: the full listing and every message's fingerprint
            reset.run();
            List<String> first = statUidl(bridge, user, password);
            assertFalse(first.isEmpty());
            List<String> sent = commands.get();
            assertTrue(any(sent, FULL_FETCH), sent.toString());
            assertTrue(any(sent, FINGERPRINTS), sent.toString());
            long firstDown = down.get();

            // unchanged: no listing, no fingerprints, a few short commands
            reset.run();
            List<String> second = statUidl(bridge, user, password);
            assertEquals(first, second);
            sent = commands.get();
            assertFalse(any(sent, FULL_FETCH), sent.toString());
            assertFalse(any(sent, FINGERPRINTS), sent.toString());
            assertFalse(any(sent, "UID FETCH"), sent.toString());
            assertTrue(down.get() * 4 < firstDown, down.get() + " octets vs " + firstDown + " at the first login");
            if (qresync) {
                assertTrue(any(sent, "ENABLE QRESYNC") && any(sent, "(QRESYNC ("), sent.toString());
            }

            // one new, one expunged: only the new message is fingerprinted and assigned
            long added = change.apply();
            reset.run();
            List<String> third = statUidl(bridge, user, password);
            sent = commands.get();
            assertFalse(any(sent, FULL_FETCH), sent.toString());
            List<String> fingerprinted = sent.stream().filter(c -> c.contains(FINGERPRINTS)).toList();
            assertEquals(1, fingerprinted.size(), sent.toString());
            assertTrue(fingerprinted.get(0).startsWith("UID FETCH " + added + " "), fingerprinted.toString());
            List<String> expected = new ArrayList<>(second);
            expected.remove(2);
            assertEquals(expected, third.subList(0, third.size() - 1));
            assertEquals(second.size(), third.size());
            String newUidl = third.get(third.size() - 1);
            assertFalse(second.contains(newUidl), newUidl);

            // a fresh full assignment (another store, no cache) gives the same UIDLs
            InetSocketAddress fresh = start(endpoint, mailbox, "hide", dir.resolve("fresh.db"), 0).localAddress();
            reset.run();
            assertEquals(third, statUidl(fresh, user, password));
            assertTrue(any(commands.get(), FULL_FETCH), commands.get().toString());

            // restart on the same file: the cache comes back from the store
            stop();
            bridge = start(endpoint, mailbox, "hide", db, 1_000_000).localAddress();
            reset.run();
            assertEquals(third, statUidl(bridge, user, password));
            sent = commands.get();
            assertFalse(any(sent, "UID FETCH"), sent.toString());
            assertArrayEquals(new String[0], sent.stream().filter(c -> c.contains(FINGERPRINTS)).toArray());
        }
    }
}
