package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.popbridge.bridge.MailboxKeys;
import io.popbridge.server.Cli;
import io.popbridge.server.ConfigLoader;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import io.popbridge.testing.Upstream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code popbridge uidl import --store-url} into PostgreSQL (a private cluster, skipped with the
 * reason where PostgreSQL is not installed): the rows land where the bridge's store reads them.
 */
class PostgresUidlImportTest {
    @TempDir
    Path dir;

    @Test
    void importIntoPostgresIsWhatAssignGivesOut() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        assumeTrue(cluster != null, () -> "PostgreSQL not available: " + PostgresCluster.unavailableReason());
        String database = cluster.createDatabase();
        try (Upstream upstream = new Upstream(true)) {
            String user = Upstream.USER2;
            long uid;
            long size;
            long uidValidity;
            try (RawImap imap = upstream.imap(user, Upstream.PASSWORD2)) {
                imap.append(("From: a@example.org\r\nMessage-ID: <pg@example.org>\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000"
                        + "\r\nSubject: pg\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII), null);
                String fetch = String.join(" ", imap.ok("UID FETCH 1:* (UID RFC822.SIZE)"));
                Matcher m = Pattern.compile("UID (\\d+).*RFC822\\.SIZE (\\d+)|RFC822\\.SIZE (\\d+).*UID (\\d+)").matcher(fetch);
                assertTrue(m.find(), fetch);
                uid = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(4));
                size = Long.parseLong(m.group(2) != null ? m.group(2) : m.group(3));
                Matcher v = Pattern.compile("UIDVALIDITY (\\d+)")
                        .matcher(String.join(" ", imap.ok("STATUS INBOX (UIDVALIDITY)")));
                assertTrue(v.find());
                uidValidity = Long.parseLong(v.group(1));
            }
            String oldUidl;
            try (Pop3TestClient pop = new Pop3TestClient(new InetSocketAddress("127.0.0.1", upstream.pop3Port()))) {
                pop.login(user, Upstream.PASSWORD2);
                Pop3TestClient.expectOk(pop.command("UIDL"));
                oldUidl = pop.lines().get(0).split(" ")[1];
            }
            Path pw = Files.writeString(dir.resolve("pw"), Upstream.PASSWORD2 + "\n");
            String upstreamUrl = "imap://127.0.0.1:" + upstream.port();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Cli.run(new String[] {"uidl", "import", "--upstream", upstreamUrl,
                "--old-server", "pop3://127.0.0.1:" + upstream.pop3Port(), "--allow-plaintext-old-server",
                "--ignore-size", "--user", user, "--old-password-file", pw.toString(),
                "--store-url", cluster.url(database), "--store-user", "postgres"},
                    (c, d) -> { throw new AssertionError("must not start the server"); },
                    new PrintWriter(out), new PrintWriter(err));
            assertEquals(0, status, err.toString());
            assertTrue(out.toString().contains("matched 1 (stored 1"), out.toString());

            var config = ConfigLoader.load(null, new ConfigLoader.Overrides(null, upstreamUrl, false));
            MailboxKey key = MailboxKeys.of(config.router().route(user), user, config.bridge().mailbox());
            try (MappingStore store = MappingStore.open(new StoreConfig.Postgres(cluster.url(database), "postgres", ""))) {
                Assignment a = store.assign(key, uidValidity, List.of(new MessageFacts(uid, size, null, null, null))).join();
                assertEquals(1, a.known());
                assertEquals(oldUidl, a.uidls().get(uid));
            }
        } finally {
            cluster.dropDatabase(database);
        }
    }
}
