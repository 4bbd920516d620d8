package io.popbridge.faults;

import static io.popbridge.faults.FakeImapServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded soak: many concurrent POP3 sessions over several users doing UIDL/LIST/RETR/DELE/QUIT
 * against GreenMail through a TCP proxy, with random client disconnects and a few upstream
 * connection kills. At the end, with the hide policy: every message still exists exactly once, a
 * message is hidden if a session that DELEted it got {@code +OK} to QUIT and is not hidden if no
 * session that DELEted it sent QUIT, every RETR delivered the message its UIDL names, no session
 * hung, and no upstream connection is left open. Buffer leaks fail the class (LeakCheckExtension).
 *
 * <p>System properties: {@code popbridge.soak.seconds} (default 30), {@code popbridge.soak.sessions}
 * (concurrent sessions, default 200), {@code popbridge.soak.seed} (default 20261123, logged).
 */
class SoakTest {

    private static final Logger log = LoggerFactory.getLogger(SoakTest.class);
    private static final Pattern SOAK_ID = Pattern.compile("X-Soak-Id: (\\S+)");

    private static final int USERS = 5;
    private static final int MESSAGES_PER_USER = 40;

    private final long seconds = Long.getLong("popbridge.soak.seconds", 30);
    private final int sessions = Integer.getInteger("popbridge.soak.sessions", 200);
    private final long seed = Long.getLong("popbridge.soak.seed", 20261123L);

    private Upstream upstream;
    private TcpProxy proxy;
    private BridgeServer bridge;

    /** UIDL (per user) → soak id, as first learnt; every later RETR must agree. */
    private final Map<String, String> idOfUidl = new ConcurrentHashMap<>();
    /** Soak ids of messages DELEted in a session that got +OK to QUIT. */
    private final Set<String> surelyHidden = ConcurrentHashMap.newKeySet();
    /** Soak ids DELEted in a session that sent QUIT but got -ERR or no answer: either outcome is fine. */
    private final Set<String> maybeHidden = ConcurrentHashMap.newKeySet();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger quitOk = new AtomicInteger();
    private final AtomicInteger clientAborts = new AtomicInteger();
    private final AtomicInteger tempFailures = new AtomicInteger();
    private final AtomicInteger hangs = new AtomicInteger();
    /** Messages appended per user so far (initial ones and those the feeder delivers during the soak). */
    private final AtomicInteger[] appended = new AtomicInteger[USERS];

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        for (int u = 0; u < USERS; u++) {
            upstream.greenMail().setUser("soak" + u + "@example.com", user(u), password(u));
            appended[u] = new AtomicInteger();
            try (RawImap imap = upstream.imap(user(u), password(u))) {
                for (int m = 0; m < MESSAGES_PER_USER; m++) {
                    imap.append(message(u, appended[u].getAndIncrement()), null);
                }
            }
        }
        proxy = new TcpProxy(upstream.port());
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(new UpstreamEndpoint("127.0.0.1", proxy.port(),
                UpstreamEndpoint.Security.PLAIN), imap, "INBOX", DeletePolicy.parse("hide"), RetrievePolicy.PEEK,
                BridgeOptions.DEFAULT_HIDE_KEYWORD);
        // Every simulated client comes from 127.0.0.1 and many share a user: lift the per-address
        // and per-user caps (they have their own tests) so the soak measures the bridge itself.
        Pop3Options pop3 = Pop3Options.defaults().withLimits(new io.popbridge.pop3.LimitOptions(10_000, 10_000, 10_000,
                java.time.Duration.ofMinutes(2), true));
        bridge = BridgeServer.start(new java.net.InetSocketAddress("127.0.0.1", 0), pop3,
                new ImapMailboxProvider(options), 2);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (bridge != null) {
            bridge.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private static String user(int u) {
        return "soak" + u;
    }

    private static String password(int u) {
        return "pw-" + u;
    }

    private static String id(int u, int m) {
        return u + "-" + m;
    }

    private static byte[] message(int u, int m) {
        StringBuilder text = new StringBuilder("From: soak@example.com\r\nTo: " + user(u) + "@example.com\r\n"
                + "Subject: soak " + id(u, m) + "\r\nX-Soak-Id: " + id(u, m) + "\r\n\r\n");
        int lines = 5 + (m * 37) % 300; // 0.5 to 25 KB
        for (int i = 0; i < lines; i++) {
            text.append(i % 50 == 0 ? ".dot-stuffed line " : "line ").append(i).append(" of ").append(id(u, m))
                    .append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void concurrentSessionsWithDisconnectsAndUpstreamKillsLoseAndDuplicateNothing() throws Exception {
        log.info("soak: seed={} seconds={} sessions={} users={} messages/user={}", seed, seconds, sessions, USERS,
                MESSAGES_PER_USER);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService workers = Executors.newFixedThreadPool(sessions);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < sessions; w++) {
            Random random = new Random(seed * 31 + w);
            running.add(workers.submit(() -> {
                while (System.nanoTime() < deadline) {
                    session(random);
                }
                return null;
            }));
        }
        Thread feeder = new Thread(() -> feed(deadline, new Random(seed + 1)), "soak-feeder");
        feeder.start();
        Random killer = new Random(seed);
        int kills = Math.max(3, (int) (seconds / 5));
        for (int k = 0; k < kills && System.nanoTime() < deadline; k++) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / (kills + 1));
            proxy.killOne(killer);
        }
        for (Future<?> f : running) {
            f.get(seconds + 120, TimeUnit.SECONDS);
        }
        workers.shutdown();
        feeder.join();
        log.info("soak: {} sessions completed, {} QUIT +OK, {} client aborts, {} temporary failures, {} upstream kills, "
                        + "{} upstream connections", completed.get(), quitOk.get(), clientAborts.get(),
                tempFailures.get(), proxy.killed(), proxy.accepted());

        assertEquals(List.of(), violations);
        assertEquals(0, hangs.get(), "sessions that hung");
        assertTrue(quitOk.get() > 0 && proxy.killed() > 0, "the soak did not exercise anything");
        assertTrue(eventually(() -> proxy.open() == 0), proxy.open() + " upstream connection(s) left open");
        checkMailboxes();
    }

    /**
     * New mail keeps arriving directly upstream, so mailboxes never drain: one message every 100 ms.
     * GreenMail occasionally drops a connection under this load; the feeder then reconnects and
     * checks whether the APPEND took effect before counting it.
     */
    private void feed(long deadline, Random random) {
        RawImap[] connections = new RawImap[USERS];
        try {
            while (System.nanoTime() < deadline) {
                int u = random.nextInt(USERS);
                int m = appended[u].get();
                try {
                    if (connections[u] == null) {
                        connections[u] = upstream.imap(user(u), password(u));
                        if (!connections[u].ok("UID SEARCH HEADER X-Soak-Id " + id(u, m)).get(0).trim()
                                .equals("* SEARCH")) {
                            appended[u].incrementAndGet(); // the APPEND before the drop took effect
                            continue;
                        }
                    }
                    connections[u].append(message(u, m), null);
                    appended[u].incrementAndGet();
                } catch (IOException e) {
                    log.info("soak feeder: {} dropped: {}", user(u), e.toString());
                    connections[u] = null;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            violations.add("feeder interrupted");
        } finally {
            for (RawImap c : connections) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException ignored) {
                    // test ends anyway
                }
            }
        }
    }

    private void checkMailboxes() throws IOException {
        for (int u = 0; u < USERS; u++) {
            try (RawImap imap = upstream.imap(user(u), password(u))) {
                List<Long> uids = imap.uids();
                Set<String> ids = new HashSet<>();
                for (long uid : uids) {
                    String id = soakId(imap.body(uid));
                    assertTrue(ids.add(id), "duplicated: " + id);
                    boolean hidden = imap.flags(uid).contains(BridgeOptions.DEFAULT_HIDE_KEYWORD);
                    if (surelyHidden.contains(id)) {
                        assertTrue(hidden, id + " was deleted by a session whose QUIT got +OK, but is not hidden");
                    } else if (!maybeHidden.contains(id)) {
                        assertTrue(!hidden, id + " is hidden, but no session that deleted it sent QUIT");
                    }
                }
                assertEquals(appended[u].get(), ids.size(), "messages of " + user(u));
            }
        }
    }

    private static String soakId(byte[] body) {
        Matcher m = SOAK_ID.matcher(new String(body, StandardCharsets.US_ASCII));
        return m.find() ? m.group(1) : "<none>";
    }

    /** One POP3 session; an abort point (client disconnect) is chosen up front. */
    private void session(Random random) {
        int u = random.nextInt(USERS);
        int abortAt = random.nextInt(10) == 0 ? 1 + random.nextInt(4) : 0; // 10 %: disconnect at step 1..4
        Set<String> deleted = new HashSet<>();
        boolean quitSent = false;
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            pop.socket().setSoTimeout(60_000);
            if (!ok(pop.command("USER " + user(u))) || !ok(pop.command("PASS " + password(u)))) {
                return;
            }
            if (abortAt == 1) {
                abort(pop);
                return;
            }
            if (!ok(pop.command("UIDL"))) {
                return;
            }
            List<String> uidls = new ArrayList<>();
            for (String line : pop.lines()) {
                uidls.add(line.split(" ")[1]);
            }
            if (!ok(pop.command("LIST"))) {
                return;
            }
            if (pop.lines().size() != uidls.size()) {
                violations.add("LIST and UIDL disagree for " + user(u));
            }
            if (uidls.isEmpty()) {
                quitSent = true;
                ok(pop.command("QUIT"));
                return;
            }
            int retrs = 1 + random.nextInt(3);
            Set<Integer> deletedNumbers = new HashSet<>();
            for (int i = 0; i < retrs && deletedNumbers.size() < uidls.size(); i++) {
                int n;
                do {
                    n = 1 + random.nextInt(uidls.size());
                } while (deletedNumbers.contains(n));
                String status = pop.command("RETR " + n);
                if (!ok(status)) {
                    if (!status.startsWith("-ERR [SYS/TEMP]")) {
                        violations.add("RETR answered " + status);
                    }
                    return;
                }
                if (abortAt == 2) {
                    pop.rawInput().readNBytes(100);
                    abort(pop);
                    return;
                }
                String id = soakId(pop.body());
                String known = idOfUidl.putIfAbsent(user(u) + "/" + uidls.get(n - 1), id);
                if (known != null && !known.equals(id)) {
                    violations.add("UIDL " + uidls.get(n - 1) + " of " + user(u) + " was " + known + ", now " + id);
                }
                if (!id.startsWith(u + "-")) {
                    violations.add(user(u) + " received " + id);
                }
                if (random.nextInt(3) > 0 && ok(pop.command("DELE " + n))) {
                    deleted.add(id);
                    deletedNumbers.add(n);
                }
            }
            if (abortAt == 3) {
                abort(pop);
                return;
            }
            quitSent = true;
            if (abortAt == 4) {
                pop.send("QUIT");
                abort(pop);
                maybeHidden.addAll(deleted);
                return;
            }
            if (ok(pop.command("QUIT"))) {
                surelyHidden.addAll(deleted);
                quitOk.incrementAndGet();
            } else {
                maybeHidden.addAll(deleted);
            }
        } catch (SocketTimeoutException e) {
            hangs.incrementAndGet();
            if (quitSent) {
                maybeHidden.addAll(deleted);
            }
        } catch (IOException e) {
            // closed by the bridge after an upstream kill: allowed; QUIT may or may not have committed
            tempFailures.incrementAndGet();
            if (quitSent) {
                maybeHidden.addAll(deleted);
            }
        } finally {
            completed.incrementAndGet();
        }
    }

    private boolean ok(String status) {
        if (status.startsWith("+OK")) {
            return true;
        }
        if (status.startsWith("-ERR [SYS/TEMP]")) {
            tempFailures.incrementAndGet();
        } else {
            violations.add("unexpected reply: " + status);
        }
        return false;
    }

    private void abort(Pop3TestClient pop) throws IOException {
        clientAborts.incrementAndGet();
        pop.socket().setSoLinger(true, 0);
        pop.close();
    }
}
