package io.popbridge.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.mapping.Assignment;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.MessageFacts;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code popbridge uidl import} against GreenMail's POP3 (plain, loopback, with the explicit flag)
 * and IMAP over one mail store: batch file, partial matches, and a UID that already has a UIDL.
 * GreenMail's sizes are not the message's octets (IMAP RFC822.SIZE counts the body only, POP3
 * LIST something else), so these runs use {@code --ignore-size}; exact sizes are tested against
 * Dovecot ({@link UidlImportDovecotTest}).
 */
class UidlImportGreenMailTest {
    private static final String USER = Upstream.USER2;
    private static final String PASSWORD = Upstream.PASSWORD2;
    private static final String CAROL = "carol";
    private static final String CAROL_PASSWORD = "carol-secret";

    @TempDir
    Path dir;

    private Upstream upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = new Upstream(true);
        // GreenMail's POP3 splits PASS at spaces, so alice's password (with a space) cannot be
        // used there: bob has the mail here, carol an empty mailbox.
        upstream.greenMail().setUser("carol@example.com", CAROL, CAROL_PASSWORD);
        String d = "Mon, 4 Mar 2024 10:00:00 +0000";
        try (RawImap imap = upstream.imap(USER, PASSWORD)) {
            imap.append(ImportRun.message("<a@example.org>", d, "a", "first"), null);
            imap.append(ImportRun.message("<b@example.org>", d, "b", "second"), null);
            imap.append(ImportRun.message(null, d, "twin", "xxxx"), null);
            imap.append(ImportRun.message(null, d, "twin", "yyyy"), null);
        }
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private String upstreamUrl() {
        return "imap://127.0.0.1:" + upstream.port();
    }

    private String oldServer() {
        return "pop3://127.0.0.1:" + upstream.pop3Port();
    }

    @Test
    void batchImportReportsPartialMatchesAndKeepsUidlsAlreadyGivenOut() throws Exception {
        Map<Integer, String> oldUidls;
        try (Pop3TestClient pop = new Pop3TestClient(new InetSocketAddress("127.0.0.1", upstream.pop3Port()))) {
            pop.login(CAROL, CAROL_PASSWORD);
            Pop3TestClient.expectOk(pop.command("UIDL"));
            assertTrue(pop.lines().isEmpty()); // carol has no mail
        }
        try (Pop3TestClient pop = new Pop3TestClient(new InetSocketAddress("127.0.0.1", upstream.pop3Port()))) {
            pop.login(USER, PASSWORD);
            Pop3TestClient.expectOk(pop.command("UIDL"));
            oldUidls = ImportRun.uidls(pop.lines());
        }
        Map<Long, Long> sizes;
        long uidValidity;
        try (RawImap imap = upstream.imap(USER, PASSWORD)) {
            sizes = ImportRun.sizes(imap);
            uidValidity = ImportRun.uidValidity(imap);
        }
        List<Long> uids = new ArrayList<>(sizes.keySet());
        List<MessageFacts> facts = new ArrayList<>();
        sizes.forEach((uid, size) -> facts.add(new MessageFacts(uid, size, null, null, null)));
        MailboxKey key = ImportRun.key(upstreamUrl(), USER);
        Path db = dir.resolve("store.db");
        String givenBefore;
        try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(db))) {
            // bob's client already listed message 2 through popbridge before the import
            givenBefore = store.assign(key, uidValidity, List.of(facts.get(1))).join().uidls().get(uids.get(1));
        }

        Path batch = dir.resolve("users.csv");
        Files.writeString(batch, "# user,old-password-file[,new-password-file]\n"
                + USER + "," + ImportRun.passwordFile(dir, "bob-old", PASSWORD) + "\n"
                + CAROL + "," + ImportRun.passwordFile(dir, "carol-old", CAROL_PASSWORD) + ","
                + ImportRun.passwordFile(dir, "carol-new", CAROL_PASSWORD) + "\n");
        ImportRun run = ImportRun.cli("--upstream", upstreamUrl(), "--old-server", oldServer(),
                "--allow-plaintext-old-server", "--ignore-size", "--batch", batch.toString(), "--store-path", db.toString());
        assertEquals(0, run.status, run.err + run.out);
        assertTrue(run.out.contains("bob: 4 on the old server, 4 in the IMAP mailbox; matched 2 (stored 1, already"
                + " imported 0), unmatched 2, conflicts 1"), run.out);
        assertTrue(run.out.contains("bob:   conflict UID " + uids.get(1) + " old UIDL " + oldUidls.get(2)
                + ": the UID already has UIDL " + givenBefore + " (kept)"), run.out);
        assertTrue(run.out.contains("bob:   unmatched old message 3 " + oldUidls.get(3)), run.out);
        assertTrue(run.out.contains("bob:   unmatched old message 4 " + oldUidls.get(4)), run.out);
        assertTrue(run.out.contains("carol: 0 on the old server, 0 in the IMAP mailbox; matched 0"), run.out);
        assertTrue(run.out.contains("2 users, 0 failed"), run.out);
        assertFalse((run.out + run.err).contains(PASSWORD));
        assertFalse(run.out.contains("first") || run.out.contains("<a@example.org>"), "no message content in the report");

        try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(db))) {
            Assignment a = store.assign(key, uidValidity, facts).join();
            assertEquals(oldUidls.get(1), a.uidls().get(uids.get(0)));
            assertEquals(givenBefore, a.uidls().get(uids.get(1)));
            assertEquals(String.format("%08x%08x", uids.get(2), uidValidity), a.uidls().get(uids.get(2)));
            assertEquals(String.format("%08x%08x", uids.get(3), uidValidity), a.uidls().get(uids.get(3)));
        }
    }

    @Test
    void dryRunStoresNothing() throws Exception {
        Path db = dir.resolve("store.db");
        ImportRun run = ImportRun.cli("--upstream", upstreamUrl(), "--old-server", oldServer(),
                "--allow-plaintext-old-server", "--ignore-size", "--user", USER, "--old-password-file",
                ImportRun.passwordFile(dir, "pw", PASSWORD).toString(), "--store-path", db.toString(), "--dry-run");
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains("matched 2 (stored 0, already imported 0), unmatched 2"), run.out);
        assertTrue(run.out.contains("(dry run: nothing stored)"), run.out);
        long uidValidity;
        Map<Long, Long> sizes;
        try (RawImap imap = upstream.imap(USER, PASSWORD)) {
            sizes = ImportRun.sizes(imap);
            uidValidity = ImportRun.uidValidity(imap);
        }
        try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(db))) {
            List<MessageFacts> facts = new ArrayList<>();
            sizes.forEach((uid, size) -> facts.add(new MessageFacts(uid, size, null, null, null)));
            assertEquals(4, store.assign(ImportRun.key(upstreamUrl(), USER), uidValidity, facts).join().created());
        }
    }

    @Test
    void thePasswordMayComeFromStandardInput() throws Exception {
        java.io.InputStream stdin = System.in;
        System.setIn(new java.io.ByteArrayInputStream((PASSWORD + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ImportRun run;
        try {
            run = ImportRun.cli("--upstream", upstreamUrl(), "--old-server", oldServer(),
                    "--allow-plaintext-old-server", "--ignore-size", "--user", USER, "--old-password-file", "-",
                    "--store-path", dir.resolve("store.db").toString());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains("matched 2 (stored 2, already imported 0)"), run.out);
    }

    @Test
    void aWrongImapPasswordFailsTheUser() throws Exception {
        ImportRun run = ImportRun.cli("--upstream", upstreamUrl(), "--old-server", oldServer(),
                "--allow-plaintext-old-server", "--ignore-size", "--user", USER,
                "--old-password-file", ImportRun.passwordFile(dir, "pw", PASSWORD).toString(),
                "--new-password-file", ImportRun.passwordFile(dir, "new", "wrong-imap-pw").toString(),
                "--store-path", dir.resolve("store.db").toString());
        assertEquals(1, run.status);
        assertTrue(run.err.contains("bob: FAILED (auth): the IMAP server 127.0.0.1:" + upstream.port()
                + " refused the login of bob"), run.err);
        assertFalse((run.out + run.err).contains("wrong-imap-pw"));
    }
}
