package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * popbridge in front of a real Dovecot (installed by .ci/run; skipped with a reason when absent),
 * upstream over STARTTLS with the certificate verified. Dovecot's own POP3 on the same maildirs is
 * the reference for UIDLs and sizes.
 */
class DovecotBridgeTest {

    private static DovecotServer dovecot;
    private static final List<Long> aliceUids = new ArrayList<>();
    private BridgeServer bridge;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotServer.startOrSkip();
        for (byte[] message : Corpus.framingCorpus()) {
            aliceUids.add(dovecot.append("alice", message));
            dovecot.append("bob", message);
        }
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private InetSocketAddress start(String deletePolicy) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(dovecot.certificatePem().toFile())
                .protocols("TLSv1.3", "TLSv1.2").build();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024,
                1L << 31, tls);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", dovecot.imapPort(), UpstreamEndpoint.Security.STARTTLS);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse(deletePolicy),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
        return bridge.localAddress();
    }

    private static RawImap imap(String user) throws Exception {
        return new RawImap("127.0.0.1", dovecot.imapPort(), user, dovecot.password(user));
    }

    @Test
    void downloadIsByteExactAndListUidlMatchDovecotsOwnPop3() throws Exception {
        InetSocketAddress address = start("hide");
        List<String> referenceList;
        List<String> referenceUidl;
        try (Pop3TestClient own = new Pop3TestClient(new InetSocketAddress("127.0.0.1", dovecot.pop3Port()))) {
            own.login("alice", dovecot.password("alice"));
            Pop3TestClient.expectOk(own.command("LIST"));
            referenceList = own.lines();
            Pop3TestClient.expectOk(own.command("UIDL"));
            referenceUidl = own.lines();
            own.command("QUIT");
        }
        try (Pop3TestClient pop = new Pop3TestClient(address).login("alice", dovecot.password("alice"));
                RawImap imap = imap("alice")) {
            Pop3TestClient.expectOk(pop.command("LIST"));
            List<String> list = pop.lines();
            assertEquals(referenceList, list, "first-session sizes equal Dovecot's own POP3");
            Pop3TestClient.expectOk(pop.command("UIDL"));
            assertEquals(referenceUidl, pop.lines(), "UIDLs equal Dovecot's own POP3 (%08Xu%08Xv)");
            for (int n = 1; n <= aliceUids.size(); n++) {
                byte[] got = pop.retr(n);
                assertArrayEquals(BridgeEndToEndTest.crlf(imap.body(aliceUids.get(n - 1))), got, "message " + n);
                assertEquals(n + " " + got.length, list.get(n - 1), "LIST = RETR octets for message " + n);
            }
            for (int n : new int[] {1, 2, 6}) {
                byte[] full = BridgeEndToEndTest.crlf(imap.body(aliceUids.get(n - 1)));
                for (int k : new int[] {0, 3, 1000}) {
                    Pop3TestClient.expectOk(pop.command("TOP " + n + " " + k));
                    assertArrayEquals(Corpus.top(full, k), pop.body(), "TOP " + n + " " + k);
                }
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    @Test
    void curlRetrievesThroughTheBridge() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute(), "curl is not installed (apt-get install curl)");
        InetSocketAddress address = start("hide");
        Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--max-time", "30",
                "--user", "alice:" + dovecot.password("alice"),
                "pop3://127.0.0.1:" + address.getPort() + "/2").start();
        byte[] got = curl.getInputStream().readAllBytes();
        curl.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, curl.exitValue(), new String(curl.getErrorStream().readAllBytes()));
        try (RawImap imap = imap("alice")) {
            assertArrayEquals(BridgeEndToEndTest.crlf(imap.body(aliceUids.get(1))), got);
        }
    }

    @Test
    void trickyPasswordHidePolicyAndExpungePolicyOnDovecot() throws Exception {
        String password = dovecot.password("bob"); // space, double quote and a non-ASCII letter
        List<Long> before;
        try (RawImap imap = imap("bob")) {
            before = imap.uids();
        }
        InetSocketAddress address = start("hide");
        try (Pop3TestClient pop = new Pop3TestClient(address).login("bob", password)) {
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = imap("bob")) {
            assertEquals(before, imap.uids(), "hide keeps the message");
            assertTrue(imap.flags(before.get(0)).contains("$POP3Deleted"), imap.flags(before.get(0)));
        }
        bridge.close();
        address = start("expunge");
        try (Pop3TestClient pop = new Pop3TestClient(address).login("bob", password)) {
            assertTrue(pop.command("STAT").startsWith("+OK " + (before.size() - 1) + " "), "hidden message not listed");
            Pop3TestClient.expectOk(pop.command("DELE 1")); // the second message
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        try (RawImap imap = imap("bob")) {
            List<Long> after = imap.uids();
            assertFalse(after.contains(before.get(1)), "expunged");
            assertEquals(before.size() - 1, after.size());
            assertTrue(after.contains(before.get(0)), "the hidden one is untouched");
        }
        bridge = null; // closed above and replaced; the last one is closed by @AfterEach
    }
}
