package io.popbridge.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.mapping.Assignment;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.MessageFacts;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code popbridge uidl import} against Dovecot's own POP3 (the old server, over STLS) and its
 * IMAP (the new mailbox) on the same maildir. Dovecot's POP3 gives out {@code %v.%u} UIDLs here,
 * unlike popbridge's default {@code %08x%08x}, so imported UIDLs are told apart from defaults.
 */
class UidlImportDovecotTest {
    private static final String USER = "alice";
    private static DovecotServer dovecot;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        dovecot = DovecotServer.startOrSkip("pop3_uidl_format = %v.%u");
        String d1 = "Mon, 4 Mar 2024 10:00:00 +0000";
        String d5 = "Tue, 5 Mar 2024 11:00:00 +0000";
        dovecot.append(USER, ImportRun.message("<one@example.org>", d1, "one", "first"));
        dovecot.append(USER, ImportRun.message("<dup@example.org>", d1, "dup", "copy"));
        dovecot.append(USER, ImportRun.message("<dup@example.org>", d1, "dup", "copy"));
        dovecot.append(USER, ImportRun.message(null, "Wed, 6 Mar 2024 12:00:00 +0000", "no id", "unique"));
        // Two messages without Message-ID, equal Date and size: not told apart, so not matched.
        dovecot.append(USER, ImportRun.message(null, d5, "twin", "aaaa"));
        dovecot.append(USER, ImportRun.message(null, d5, "twin", "bbbb"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private String upstream() {
        return "imap://127.0.0.1:" + dovecot.imapPort();
    }

    private ImportRun importAlice(String oldServer, String password, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--upstream", upstream(), "--old-server", oldServer,
                "--user", USER, "--old-password-file", ImportRun.passwordFile(dir, "old-pw", password).toString(),
                "--store-path", dir.resolve("store.db").toString()));
        args.addAll(List.of(extra));
        return ImportRun.cli(args.toArray(String[]::new));
    }

    private String stls() {
        return "pop3+stls://127.0.0.1:" + dovecot.pop3Port();
    }

    @Test
    void importedUidlsAreWhatTheStoreGivesOutAndTheRestGetDefaults() throws Exception {
        ImportRun run = importAlice(stls(), dovecot.password(USER), "--old-ca-file", dovecot.certificatePem().toString());
        assertEquals(0, run.status, run.err + run.out);
        assertTrue(run.out.contains("alice: 6 on the old server, 6 in the IMAP mailbox; matched 4 (stored 4, already imported 0),"
                + " unmatched 2, conflicts 0"), run.out);
        assertFalse((run.out + run.err).contains(dovecot.password(USER)));

        // The oracle: Dovecot's POP3 listing, and IMAP UIDs in the same order (Dovecot numbers POP3 messages by UID).
        Map<Integer, String> oldUidls;
        try (Pop3TestClient pop = new Pop3TestClient(new InetSocketAddress("127.0.0.1", dovecot.pop3Port()))) {
            pop.login(USER, dovecot.password(USER));
            Pop3TestClient.expectOk(pop.command("UIDL"));
            oldUidls = ImportRun.uidls(pop.lines());
        }
        Map<Long, Long> sizes;
        long uidValidity;
        try (RawImap imap = new RawImap("127.0.0.1", dovecot.imapPort(), USER, dovecot.password(USER))) {
            sizes = ImportRun.sizes(imap);
            uidValidity = ImportRun.uidValidity(imap);
        }
        List<Long> uids = new ArrayList<>(sizes.keySet());
        assertTrue(run.out.contains("unmatched old message 5 " + oldUidls.get(5)), run.out);
        assertTrue(run.out.contains("unmatched old message 6 " + oldUidls.get(6)), run.out);

        // What popbridge's store then gives out for a listing of the mailbox (the bridge calls assign at login).
        MailboxKey key = ImportRun.key(upstream(), USER);
        try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("store.db")))) {
            List<MessageFacts> facts = new ArrayList<>();
            sizes.forEach((uid, size) -> facts.add(new MessageFacts(uid, size, null, null, null)));
            Assignment a = store.assign(key, uidValidity, facts).join();
            for (int n = 1; n <= 4; n++) {
                assertEquals(oldUidls.get(n), a.uidls().get(uids.get(n - 1)), "message " + n);
                assertNotEquals(String.format("%08x%08x", uids.get(n - 1), uidValidity), oldUidls.get(n));
            }
            for (int n = 5; n <= 6; n++) {
                assertEquals(String.format("%08x%08x", uids.get(n - 1), uidValidity), a.uidls().get(uids.get(n - 1)));
            }
            assertEquals(4, a.known());
            assertEquals(2, a.created());
        }

        ImportRun again = importAlice(stls(), dovecot.password(USER), "--old-ca-file", dovecot.certificatePem().toString());
        assertEquals(0, again.status, again.err);
        assertTrue(again.out.contains("matched 4 (stored 0, already imported 4)"), again.out);
    }

    @Test
    void aWrongPasswordAtTheOldServerFailsTheUserWithoutRepeatingIt() throws Exception {
        ImportRun run = importAlice(stls(), "not-the-password", "--old-ca-file", dovecot.certificatePem().toString());
        assertEquals(1, run.status);
        assertTrue(run.err.contains("alice: FAILED (auth): the old server refused the login of alice"), run.err);
        assertFalse((run.out + run.err).contains("not-the-password"));
        assertTrue(run.out.contains("1 user, 1 failed"), run.out);
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        ImportRun run = importAlice(stls(), dovecot.password(USER)); // JDK trust store: the test CA is not in it
        assertEquals(1, run.status);
        assertTrue(run.err.contains("alice: FAILED (tls)"), run.err);
    }

    @Test
    void anUnreachableOldServerFailsTheUser() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ImportRun run = importAlice("pop3s://127.0.0.1:" + closed, dovecot.password(USER),
                "--old-ca-file", dovecot.certificatePem().toString());
        assertEquals(1, run.status);
        assertTrue(run.err.contains("alice: FAILED (connect): cannot reach the old server 127.0.0.1:" + closed), run.err);
    }

    @Test
    void plainPop3NeedsTheFlag() throws Exception {
        ImportRun run = importAlice("pop3://127.0.0.1:" + dovecot.pop3Port(), dovecot.password(USER));
        assertEquals(2, run.status);
        assertTrue(run.err.contains("--old-server"), run.err);
    }
}
