package io.popbridge.bridge;

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
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session after a cached login on Dovecot with QRESYNC enabled (the server then reports
 * expunges as VANISHED and adds MODSEQ to FETCH answers for the rest of the session): RETR, TOP
 * and DELE + QUIT still do what each delete policy says, on the first (full listing) and on the
 * repeat (delta) login. Skipped where Dovecot is not installed.
 */
class ListingCacheDovecotTest {

    private static final String HIDE = BridgeOptions.DEFAULT_HIDE_KEYWORD;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"hide", "seen", "move:Trash", "expunge"})
    void deletePoliciesWithQresync(String policy) throws Exception {
        try (DovecotServer dovecot = DovecotServer.startOrSkip();
                CountingProxy proxy = new CountingProxy(dovecot.imapPort());
                MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("popbridge.db")))) {
            String password = dovecot.password("alice");
            List<Long> uids;
            try (RawImap imap = new RawImap(dovecot.host(), dovecot.imapPort(), "alice", password)) {
                imap.ok("CREATE Trash");
                for (int i = 0; i < 5; i++) {
                    imap.append(Corpus.message("m" + i, "body of m" + i + "\r\n"), null);
                }
                imap.ok("SELECT INBOX");
                uids = imap.uids();
            }
            UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN);
            BridgeServer bridge = MappingBridgeTest.start(endpoint, null, "INBOX", policy, store, new AtomicInteger());
            try {
                InetSocketAddress address = bridge.localAddress();
                List<String> first = session(address, password, "m0", "m1");
                assertTrue(proxy.commands().contains("ENABLE QRESYNC"), proxy.commands().toString());
                assertEquals(5, first.size());
                checkDeleted(dovecot, password, policy, uids.get(0), 1);

                proxy.reset();
                List<String> second = session(address, password, "m1", "m2");
                List<String> commands = proxy.commands();
                assertTrue(commands.contains("ENABLE QRESYNC"), commands.toString());
                assertFalse(commands.stream().anyMatch(c -> c.startsWith("UID FETCH 1:*")), commands.toString());
                assertEquals(first.subList(1, 5), second);
                checkDeleted(dovecot, password, policy, uids.get(1), 2);

                try (Pop3TestClient pop = new Pop3TestClient(address).login("alice", password)) {
                    Pop3TestClient.expectOk(pop.command("UIDL"));
                    List<String> left = new ArrayList<>();
                    for (String line : pop.lines()) {
                        left.add(line.split(" ")[1]);
                    }
                    assertEquals(first.subList(2, 5), left);
                    Pop3TestClient.expectOk(pop.command("QUIT"));
                }
            } finally {
                bridge.close();
            }
        }
    }

    /** UIDL, RETR 1 and TOP 2 0 (checked by subject), DELE 1, QUIT; returns the UIDLs. */
    private static List<String> session(InetSocketAddress address, String password, String firstSubject,
            String secondSubject) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(address).login("alice", password)) {
            Pop3TestClient.expectOk(pop.command("UIDL"));
            List<String> uidls = new ArrayList<>();
            for (String line : pop.lines()) {
                uidls.add(line.split(" ")[1]);
            }
            String body = new String(pop.retr(1), StandardCharsets.US_ASCII);
            assertTrue(body.contains("Subject: " + firstSubject + "\r\n") && body.contains("body of " + firstSubject),
                    body);
            Pop3TestClient.expectOk(pop.command("TOP 2 0"));
            String top = new String(pop.body(), StandardCharsets.US_ASCII);
            assertTrue(top.contains("Subject: " + secondSubject + "\r\n") && !top.contains("body of"), top);
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return uidls;
        }
    }

    /** What the policy must have done upstream to {@code uid}, the {@code deleted}-th message deleted. */
    private static void checkDeleted(DovecotServer dovecot, String password, String policy, long uid, int deleted)
            throws Exception {
        try (RawImap imap = new RawImap(dovecot.host(), dovecot.imapPort(), "alice", password)) {
            switch (policy) {
                case "hide" -> {
                    assertEquals(5, imap.count("INBOX"));
                    imap.ok("EXAMINE INBOX");
                    assertTrue(imap.flags(uid).contains(HIDE), imap.flags(uid));
                    assertFalse(imap.flags(uid).contains("\\Seen"), imap.flags(uid));
                }
                case "seen" -> {
                    assertEquals(5, imap.count("INBOX"));
                    imap.ok("EXAMINE INBOX");
                    assertTrue(imap.flags(uid).contains(HIDE) && imap.flags(uid).contains("\\Seen"), imap.flags(uid));
                }
                case "move:Trash" -> {
                    assertEquals(5 - deleted, imap.count("INBOX"));
                    assertEquals(deleted, imap.count("Trash"));
                    imap.ok("EXAMINE INBOX");
                    assertFalse(imap.uids().contains(uid));
                }
                case "expunge" -> {
                    assertEquals(5 - deleted, imap.count("INBOX"));
                    imap.ok("EXAMINE INBOX");
                    assertFalse(imap.uids().contains(uid));
                }
                default -> throw new IllegalArgumentException(policy);
            }
        }
    }
}
