package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.server.BridgeServer;
import io.popbridge.server.Cli;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration end to end: Dovecot's POP3 gives out {@code %v.%u} UIDLs; after
 * {@code popbridge uidl import}, a POP3 session through popbridge (with the store) in front of
 * Dovecot's IMAP lists the same UIDLs for the matched messages, defaults for the others.
 */
class UidlImportSessionTest {
    @TempDir
    Path dir;

    private static byte[] message(String messageId, String subject, String body) {
        return ("From: a@example.org\r\nTo: alice@example.org\r\n" + (messageId == null ? "" : "Message-ID: " + messageId + "\r\n")
                + "Date: Mon, 4 Mar 2024 10:00:00 +0000\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<Integer, String> uidl(InetSocketAddress at, String password) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(at)) {
            pop.login("alice", password);
            Pop3TestClient.expectOk(pop.command("UIDL"));
            Map<Integer, String> out = new LinkedHashMap<>();
            for (String l : pop.lines()) {
                String[] parts = l.split(" ");
                out.put(Integer.parseInt(parts[0]), parts[1]);
            }
            pop.command("QUIT");
            return out;
        }
    }

    @Test
    void aSessionThroughPopbridgeListsTheImportedUidls() throws Exception {
        try (DovecotServer dovecot = DovecotServer.startOrSkip("pop3_uidl_format = %v.%u")) {
            String password = dovecot.password("alice");
            dovecot.append("alice", message("<one@example.org>", "one", "first"));
            dovecot.append("alice", message("<two@example.org>", "two", "second"));
            dovecot.append("alice", message(null, "twin", "aaaa"));
            dovecot.append("alice", message(null, "twin", "bbbb"));
            Map<Integer, String> old = uidl(new InetSocketAddress("127.0.0.1", dovecot.pop3Port()), password);
            assertEquals(4, old.size());

            Path pw = Files.writeString(dir.resolve("pw"), password + "\n");
            Path db = dir.resolve("popbridge.db");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Cli.run(new String[] {"uidl", "import", "--upstream", "imap://127.0.0.1:" + dovecot.imapPort(),
                "--old-server", "pop3+stls://127.0.0.1:" + dovecot.pop3Port(), "--old-ca-file",
                dovecot.certificatePem().toString(), "--user", "alice", "--old-password-file", pw.toString(),
                "--store-path", db.toString()}, (c, d) -> { }, new PrintWriter(out), new PrintWriter(err));
            assertEquals(0, status, err.toString());
            assertTrue(out.toString().contains("matched 2 (stored 2, already imported 0), unmatched 2"), out.toString());

            try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(db))) {
                UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", dovecot.imapPort(), UpstreamEndpoint.Security.PLAIN);
                BridgeServer bridge = MappingBridgeTest.start(endpoint, null, "INBOX", "hide", store, new AtomicInteger());
                try {
                    Map<Integer, String> through = uidl(bridge.localAddress(), password);
                    assertEquals(old.get(1), through.get(1));
                    assertEquals(old.get(2), through.get(2));
                    for (int n : List.of(3, 4)) {
                        String[] vu = old.get(n).split("\\.");
                        assertEquals(String.format("%08x%08x", Long.parseLong(vu[1]), Long.parseLong(vu[0])), through.get(n));
                    }
                    // and again in a second session
                    assertEquals(through, uidl(bridge.localAddress(), password));
                } finally {
                    bridge.close();
                }
            }
        }
    }
}
