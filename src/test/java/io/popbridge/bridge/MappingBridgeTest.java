package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POP3 client → popbridge with an SQLite mapping store → GreenMail: UIDLs, hidden sets and
 * device views that outlive sessions, restarts and a recreated mailbox.
 */
class MappingBridgeTest {

    static final String FOLDER = "Pop";

    @TempDir
    Path dir;

    private Upstream upstream;
    private MappingStore store;
    private BridgeServer bridge;
    /** Between the windowed bridges and the upstream, to count what they send; null until used. */
    private CountingProxy proxy;
    final AtomicInteger rematches = new AtomicInteger();
    /** Also told of every re-match: the Prometheus text must show them. */
    static final io.popbridge.ops.Metrics METRICS = new io.popbridge.ops.Metrics();

    @BeforeEach
    void setUp() {
        upstream = new Upstream();
    }

    @AfterEach
    void tearDown() throws Exception {
        stopBridge();
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private void stopBridge() {
        if (bridge != null) {
            bridge.close();
            bridge = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** A fresh bridge and store (a restart) on the same SQLite file. */
    private InetSocketAddress start(String mailbox, String deletePolicy) throws Exception {
        stopBridge();
        store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("popbridge.db")));
        bridge = start(upstream.endpoint(), null, mailbox, deletePolicy, store, rematches);
        return bridge.localAddress();
    }

    static BridgeServer start(UpstreamEndpoint endpoint, io.netty.handler.ssl.SslContext tls, String mailbox,
            String deletePolicy, MappingStore store, AtomicInteger rematches) throws Exception {
        return start(endpoint, tls, mailbox, deletePolicy, store, rematches, MappingOptions.DEFAULTS);
    }

    static BridgeServer start(UpstreamEndpoint endpoint, io.netty.handler.ssl.SslContext tls, String mailbox,
            String deletePolicy, MappingStore store, AtomicInteger rematches, MappingOptions mapping) throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, tls);
        BridgeOptions options = new BridgeOptions(endpoint, imap, mailbox, DeletePolicy.parse(deletePolicy),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        UpstreamObserver observer = new UpstreamObserver() {
            @Override
            public void uidlsRematched(String upstream, int messages) {
                rematches.addAndGet(messages);
                METRICS.uidlsRematched(upstream, messages);
            }
        };
        Router router = Router.single(new Route(endpoint, imap, LoginRewrite.AS_IS));
        return BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options, router, observer, store, mapping), 1);
    }

    static byte[] message(String subject) {
        return ("From: a@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
                + subject.replace(' ', '.') + "@example.com>\r\n\r\nBody of " + subject + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static String date(int day) {
        return String.format("%02d-Mar-2024 10:%02d:00 +0000", day, day);
    }

    /** Subject line of every message as the POP3 client sees it, keyed by UIDL, in POP3 order. */
    static Map<String, String> uidlToSubject(Pop3TestClient pop) throws Exception {
        Pop3TestClient.expectOk(pop.command("UIDL"));
        List<String> lines = pop.lines();
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            String text = new String(pop.retr(Integer.parseInt(parts[0])), StandardCharsets.US_ASCII);
            String subject = text.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow();
            out.put(parts[1], subject.substring("Subject: ".length()));
        }
        return out;
    }

    static Map<String, String> session(InetSocketAddress address, String user, String password) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(address).login(user, password)) {
            Map<String, String> seen = uidlToSubject(pop);
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return seen;
        }
    }

    static long uidValidity(RawImap imap, String folder) throws Exception {
        // EXAMINE, not STATUS: GreenMail drops the connection on STATUS (UIDVALIDITY)
        List<String> lines = imap.ok("EXAMINE " + folder);
        imap.ok("CLOSE"); // read-only: expunges nothing
        for (String line : lines) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("UIDVALIDITY (\\d+)").matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no UIDVALIDITY in EXAMINE");
    }

    /**
     * The UIDVALIDITY scenario on any upstream: list three messages, recreate the folder with a new
     * UIDVALIDITY holding a new message first and then the same three (same octets, same
     * INTERNALDATE), list again: the three keep their UIDLs although their UIDs all changed, the
     * new one gets a new UIDL.
     */
    static void uidlsSurviveRecreatedFolder(RawImap imap, InetSocketAddress bridgeAddress, String user,
            String password, AtomicInteger rematches) throws Exception {
        imap.ok("CREATE " + FOLDER);
        for (int i = 1; i <= 3; i++) {
            imap.append(FOLDER, message("old " + i), null, date(i));
        }
        Map<String, String> before = session(bridgeAddress, user, password);
        assertEquals(List.of("old 1", "old 2", "old 3"), new ArrayList<>(before.values()));
        assertEquals(before, session(bridgeAddress, user, password), "a repeat login gives the same UIDLs");

        long oldValidity = uidValidity(imap, FOLDER);
        // RENAME away rather than DELETE: GreenMail drops the connection on DELETE of a folder
        // with messages; for the bridge both leave a new, empty folder behind after CREATE.
        imap.ok("RENAME " + FOLDER + " " + FOLDER + "-old");
        // Servers derive UIDVALIDITY from the clock (GreenMail: seconds): let a second pass.
        while (System.currentTimeMillis() / 1000 <= oldValidity + 1) {
            Thread.sleep(100);
        }
        imap.ok("CREATE " + FOLDER);
        imap.append(FOLDER, message("new 1"), null, date(20));
        for (int i = 1; i <= 3; i++) {
            imap.append(FOLDER, message("old " + i), null, date(i));
        }
        assertNotEquals(oldValidity, uidValidity(imap, FOLDER), "the folder really has a new UIDVALIDITY");

        Map<String, String> after = session(bridgeAddress, user, password);
        assertEquals(4, after.size());
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertEquals(e.getValue(), after.get(e.getKey()), "UIDL " + e.getKey() + " still names " + e.getValue());
        }
        String newUidl = after.entrySet().stream().filter(e -> e.getValue().equals("new 1")).findFirst()
                .orElseThrow().getKey();
        assertFalse(before.containsKey(newUidl), "the new message gets a UIDL never given out before");
        assertEquals(3, rematches.get(), "three messages re-matched by fingerprint, counted once");
        assertEquals(after, session(bridgeAddress, user, password), "stable from then on");
        assertEquals(3, rematches.get());
    }

    @Test
    void uidlsSurviveAUidValidityChangeOnGreenMail() throws Exception {
        InetSocketAddress address = start(FOLDER, "hide");
        try (RawImap imap = upstream.imap()) {
            uidlsSurviveRecreatedFolder(imap, address, Upstream.USER, Upstream.PASSWORD, rematches);
        }
        String label = "upstream=\"127.0.0.1:" + upstream.port() + "\"";
        assertTrue(METRICS.scrape().lines().anyMatch(l -> l.startsWith("popbridge_uidl_rematches_total{")
                && l.contains(label) && l.endsWith(" 3.0")), METRICS.scrape());
    }

    @Test
    void restartKeepsUidlsAndDeviceHiddenSets() throws Exception {
        InetSocketAddress address = start(FOLDER, "hide");
        try (RawImap imap = upstream.imap()) {
            imap.ok("CREATE " + FOLDER);
            for (int i = 1; i <= 3; i++) {
                imap.append(FOLDER, message("m " + i), null, date(i));
            }
        }
        Map<String, String> first = session(address, Upstream.USER, Upstream.PASSWORD);
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER + "#phone", Upstream.PASSWORD)) {
            Pop3TestClient.expectOk(pop.command("DELE 2"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        address = start(FOLDER, "hide"); // new BridgeServer, provider and store on the same file
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD)) {
            // GreenMail's RFC822.SIZE is wrong; the sizes RETR learnt before the restart are listed
            Pop3TestClient.expectOk(pop.command("LIST"));
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                expected.add(i + " " + message("m " + i).length);
            }
            assertEquals(expected, pop.lines(), "learnt sizes survive a restart");
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        assertEquals(first, session(address, Upstream.USER, Upstream.PASSWORD), "same UIDLs after a restart");
        Map<String, String> phone = session(address, Upstream.USER + "#phone", Upstream.PASSWORD);
        assertEquals(List.of("m 1", "m 3"), new ArrayList<>(phone.values()), "the phone's hidden set survived");
        assertTrue(first.keySet().containsAll(phone.keySet()), "devices share the mailbox's UIDLs");
    }

    @Test
    void deviceDeleteHidesForThatDeviceOnly() throws Exception {
        InetSocketAddress address = start("INBOX", "hide");
        try (RawImap imap = upstream.imap()) {
            for (int i = 1; i <= 3; i++) {
                imap.append("INBOX", message("d " + i), null, date(i));
            }
        }
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER + "#phone", Upstream.PASSWORD)) {
            assertEquals(List.of("d 1", "d 2", "d 3"), new ArrayList<>(uidlToSubject(pop).values()));
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        assertEquals(List.of("d 2", "d 3"),
                new ArrayList<>(session(address, Upstream.USER + "#phone", Upstream.PASSWORD).values()));
        assertEquals(List.of("d 1", "d 2", "d 3"),
                new ArrayList<>(session(address, Upstream.USER + "#desk", Upstream.PASSWORD).values()),
                "another device still sees it");
        assertEquals(List.of("d 1", "d 2", "d 3"),
                new ArrayList<>(session(address, Upstream.USER, Upstream.PASSWORD).values()),
                "the default view still sees it");
        try (RawImap imap = upstream.imap()) {
            List<Long> uids = imap.uids();
            assertEquals(3, uids.size(), "nothing removed upstream");
            for (long uid : uids) {
                String flags = imap.flags(uid);
                assertFalse(flags.contains(BridgeOptions.DEFAULT_HIDE_KEYWORD), "no shared keyword: " + flags);
            }
        }
        address = start("INBOX", "hide");
        assertEquals(List.of("d 2", "d 3"),
                new ArrayList<>(session(address, Upstream.USER + "#phone", Upstream.PASSWORD).values()),
                "a restart changes nothing");
        assertEquals(3, session(address, Upstream.USER + "#desk", Upstream.PASSWORD).size());
    }

    @Test
    void storeFailureAtQuitIsSysTempAndHidesNothing() throws Exception {
        InetSocketAddress address = start("INBOX", "hide");
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("q 1"), null, date(1));
        }
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER + "#phone", Upstream.PASSWORD)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            store.close(); // the store goes away between DELE and QUIT
            String reply = pop.command("QUIT");
            assertTrue(reply.startsWith("-ERR [SYS/TEMP]"), reply);
        }
        store = null;
        address = start("INBOX", "hide");
        assertEquals(List.of("q 1"), new ArrayList<>(session(address, Upstream.USER + "#phone", Upstream.PASSWORD).values()),
                "nothing was hidden");
    }

    @Test
    void invalidDeviceNameIsRefusedBeforeUpstreamContact() throws Exception {
        InetSocketAddress address = start("INBOX", "hide");
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER " + Upstream.USER + "#bad/name"));
            String reply = pop.command("PASS " + Upstream.PASSWORD);
            assertEquals("-ERR [AUTH] Device name after '#' must be 1 to 32 of A-Z a-z 0-9 . _ -.", reply);
        }
    }

    @Test
    void storeFailureAtLoginIsSysTempAndChangesNothing() throws Exception {
        InetSocketAddress address = start("INBOX", "hide");
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("x"), null, date(1));
        }
        MappingStore closed = store;
        store = null;
        closed.close(); // every later store call fails
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER " + Upstream.USER));
            String reply = pop.command("PASS " + Upstream.PASSWORD);
            assertTrue(reply.startsWith("-ERR [SYS/TEMP]"), reply);
        }
        try (RawImap imap = upstream.imap()) {
            long uid = imap.uids().get(0);
            assertFalse(imap.flags(uid).contains(BridgeOptions.DEFAULT_HIDE_KEYWORD));
        }
    }

    /**
     * An upstream whose PERMANENTFLAGS allow no keyword: without a store the hide policy answers
     * QUIT with -ERR [SYS/PERM]; with one, the hidden set lives in the store and survives restarts.
     */
    @Test
    void hidePolicyFallsBackToTheStoreWhenTheUpstreamRefusesKeywords() throws Exception {
        try (KeywordlessImap keywordless = new KeywordlessImap(3)) {
            store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("popbridge.db")));
            bridge = start(keywordless.endpoint(), null, "INBOX", "hide", store, rematches);
            InetSocketAddress address = bridge.localAddress();
            Map<String, String> first;
            try (Pop3TestClient pop = new Pop3TestClient(address).login("carol", "secret")) {
                first = uidlToSubject(pop);
                assertEquals(List.of("k 1", "k 2", "k 3"), new ArrayList<>(first.values()));
                Pop3TestClient.expectOk(pop.command("DELE 2"));
                Pop3TestClient.expectOk(pop.command("QUIT"));
            }
            assertEquals(1, headerFetches(keywordless), "Message-IDs fetched at the first login");
            assertEquals(List.of("k 1", "k 3"), new ArrayList<>(session(address, "carol", "secret").values()));
            assertEquals(1, headerFetches(keywordless), "a repeat login fetches no headers: the store knows the UIDs");
            assertTrue(keywordless.commands.stream().noneMatch(c -> c.toUpperCase().contains("STORE")),
                    "nothing stored upstream: " + keywordless.commands);

            stopBridge();
            store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("popbridge.db")));
            bridge = start(keywordless.endpoint(), null, "INBOX", "hide", store, rematches);
            Map<String, String> afterRestart = session(bridge.localAddress(), "carol", "secret");
            assertEquals(List.of("k 1", "k 3"), new ArrayList<>(afterRestart.values()), "hidden set survives a restart");
            for (Map.Entry<String, String> e : afterRestart.entrySet()) {
                assertEquals(e.getValue(), first.get(e.getKey()), "same UIDLs after a restart");
            }
        }
    }

    private static long headerFetches(KeywordlessImap server) {
        return server.commands.stream().filter(c -> c.toUpperCase().contains("HEADER.FIELDS")).count();
    }

    /** A fresh bridge (with the listing cache: the defaults) and store, reaching the upstream through {@link #proxy}. */
    private InetSocketAddress startWindowed(MappingOptions mapping) throws Exception {
        stopBridge();
        if (proxy == null) {
            proxy = new CountingProxy(upstream.port());
        }
        store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("popbridge.db")));
        bridge = start(new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN), null, "INBOX",
                "hide", store, rematches, mapping);
        return bridge.localAddress();
    }

    private static final String FULL_LISTING = "UID FETCH 1:* ";

    /** Whether the bridge asked for the whole listing since the proxy's last reset. */
    private boolean fullListingSent() {
        return proxy.commands().stream().anyMatch(c -> c.startsWith(FULL_LISTING));
    }

    private static String imapDate(java.time.Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", java.util.Locale.ROOT)
                .format(instant.atZone(java.time.ZoneOffset.UTC));
    }

    @Test
    void newestWindowListsOnlyTheNewestMessages() throws Exception {
        try (RawImap imap = upstream.imap()) {
            for (int i = 1; i <= 5; i++) {
                imap.append("INBOX", message("n " + i), null, date(i));
            }
        }
        InetSocketAddress address = startWindowed(new MappingOptions("#", new MappingOptions.Window(2, 0, false),
                Map.of(Upstream.USER2, MappingOptions.Window.ALL)));
        Map<String, String> seen = session(address, Upstream.USER, Upstream.PASSWORD);
        assertEquals(List.of("n 4", "n 5"), new ArrayList<>(seen.values()));
        try (Pop3TestClient pop = new Pop3TestClient(address).login(Upstream.USER, Upstream.PASSWORD)) {
            Pop3TestClient.expectOk(pop.command("DELE 2"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        assertEquals(List.of("n 3", "n 4"), new ArrayList<>(session(address, Upstream.USER, Upstream.PASSWORD).values()),
                "the newest two of what is not hidden");
    }

    @Test
    void youngerThanWindowLeavesOutOldMail() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("ancient"), null, imapDate(now.minus(java.time.Duration.ofDays(400))));
            imap.append("INBOX", message("last month"), null, imapDate(now.minus(java.time.Duration.ofDays(31))));
            imap.append("INBOX", message("yesterday"), null, imapDate(now.minus(java.time.Duration.ofDays(1))));
        }
        InetSocketAddress address = startWindowed(new MappingOptions("#", new MappingOptions.Window(0, 30, false),
                Map.of()));
        Map<String, String> first = session(address, Upstream.USER, Upstream.PASSWORD);
        assertEquals(List.of("yesterday"), new ArrayList<>(first.values()));
        assertTrue(fullListingSent(), proxy.commands().toString());

        // the repeat login takes the dates from the cached listing: same view, no full listing
        proxy.reset();
        assertEquals(first, session(address, Upstream.USER, Upstream.PASSWORD));
        assertFalse(fullListingSent(), proxy.commands().toString());

        // new mail is dated by the fetch of the new messages: an old-dated one stays out
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("old but new here"), null, imapDate(now.minus(java.time.Duration.ofDays(90))));
            imap.append("INBOX", message("today"), null, imapDate(now.minus(java.time.Duration.ofHours(1))));
        }
        proxy.reset();
        Map<String, String> third = session(address, Upstream.USER, Upstream.PASSWORD);
        assertEquals(List.of("yesterday", "today"), new ArrayList<>(third.values()));
        assertEquals(first.keySet().iterator().next(), third.keySet().iterator().next(), "the UIDL is kept");
        assertFalse(fullListingSent(), proxy.commands().toString());

        // after a restart the cached listing, dates included, comes back from the store
        address = startWindowed(new MappingOptions("#", new MappingOptions.Window(0, 30, false), Map.of()));
        proxy.reset();
        assertEquals(third, session(address, Upstream.USER, Upstream.PASSWORD));
        assertFalse(fullListingSent(), proxy.commands().toString());
    }

    @Test
    void fromNowOnStartsAtTheFirstLoginEvenWithAnEmptyMailbox() throws Exception {
        InetSocketAddress address = startWindowed(new MappingOptions("#", new MappingOptions.Window(0, 0, true),
                Map.of()));
        assertEquals(Map.of(), session(address, Upstream.USER, Upstream.PASSWORD));
        Thread.sleep(1100); // INTERNALDATE has whole seconds: the next message is dated after the login
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("first mail"), null, null);
        }
        assertEquals(List.of("first mail"), new ArrayList<>(session(address, Upstream.USER, Upstream.PASSWORD).values()));
    }

    @Test
    void fromNowOnWindowListsOnlyMailAfterTheFirstLoginAndAUserOverrideWins() throws Exception {
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("before 1"), null, date(1));
            imap.append("INBOX", message("before 2"), null, date(2));
        }
        try (RawImap imap = upstream.imap(Upstream.USER2, Upstream.PASSWORD2)) {
            imap.append("INBOX", message("bob before"), null, date(1));
        }
        MappingOptions mapping = new MappingOptions("#", new MappingOptions.Window(0, 0, true),
                Map.of(Upstream.USER2, MappingOptions.Window.ALL));
        InetSocketAddress address = startWindowed(mapping);
        assertEquals(Map.of(), session(address, Upstream.USER, Upstream.PASSWORD), "first login: nothing old");
        try (RawImap imap = upstream.imap()) {
            imap.append("INBOX", message("after"), null, null); // INTERNALDATE: now
        }
        address = startWindowed(mapping); // the first login is kept in the store across restarts
        proxy.reset();
        Map<String, String> afterRestart = session(address, Upstream.USER, Upstream.PASSWORD);
        assertEquals(List.of("after"), new ArrayList<>(afterRestart.values()));
        assertFalse(fullListingSent(), "the cached listing (with dates) came back from the store: "
                + proxy.commands());
        proxy.reset();
        assertEquals(afterRestart, session(address, Upstream.USER, Upstream.PASSWORD), "repeat login");
        assertFalse(fullListingSent(), proxy.commands().toString());
        assertEquals(List.of("bob before"),
                new ArrayList<>(session(address, Upstream.USER2, Upstream.PASSWORD2).values()),
                "bob's override lists everything");
    }
}
