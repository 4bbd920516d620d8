package io.popbridge.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.testing.Corpus;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Python's poplib (standard library) through popbridge: logs in as the user with the tricky
 * password (poplib sends it as UTF-8), downloads every message byte-exact, LIST sizes equal the
 * octets RETR sends, and DELE + QUIT does what each delete policy says on the IMAP side.
 */
class PoplibInteropTest {

    private static Path python;
    private static Path script;
    private Backend backend;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findPython() throws Exception {
        python = Interop.client("python3", "python3");
        script = Path.of(PoplibInteropTest.class.getResource("/interop/poplib_client.py").toURI());
        System.out.println("[interop] poplib: " + Interop.version(List.of(python.toString(), "--version"), Map.of(),
                Path.of(System.getProperty("java.io.tmpdir"))));
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    private Interop.Result poplib(InetSocketAddress bridge, Path out, String command) throws Exception {
        Files.createDirectories(out);
        Interop.Result result = Interop.run(List.of(python.toString(), "-I", script.toString(), "127.0.0.1",
                Integer.toString(bridge.getPort()), out.toString(), command),
                Map.of("POP3_USER", backend.user, "POP3_PASSWORD", backend.password), tmp);
        assertEquals(0, result.exitCode(), "poplib " + command + " failed:\n" + result.output());
        return result;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.popbridge.interop.Backend#NAMES")
    void downloadsEveryMessageByteExactWithExactSizes(String upstream) throws Exception {
        backend = Backend.open(upstream, true);
        List<byte[]> corpus = Interop.corpus();
        List<Long> uids = backend.fill(corpus);
        InetSocketAddress bridge = backend.startBridge("hide");

        Path first = tmp.resolve("first");
        poplib(bridge, first, "retr");
        List<String> list = Files.readAllLines(first.resolve("list.txt"), StandardCharsets.US_ASCII);
        List<String> octets = Files.readAllLines(first.resolve("octets.txt"), StandardCharsets.US_ASCII);
        assertEquals(uids.size(), list.size(), "LIST lines");
        try (RawImap imap = backend.imap()) {
            for (int n = 1; n <= uids.size(); n++) {
                byte[] expected = Interop.crlf(imap.body(uids.get(n - 1)));
                byte[] got = Files.readAllBytes(first.resolve("msg." + n));
                assertArrayEquals(expected, got, "message " + n + ": " + Interop.firstDifference(expected, got));
                assertEquals(n + " " + got.length, octets.get(n - 1), "poplib's octet count of RETR " + n);
                if (backend.exactSizesBeforeRetr()) {
                    assertEquals(n + " " + got.length, list.get(n - 1), "LIST = RETR octets, message " + n);
                }
            }
            for (long uid : uids) {
                assertFalse(imap.flags(uid).contains("\\Seen"), "RETR is BODY.PEEK[]: no \\Seen on " + uid);
            }
        }

        // A second session: the same UIDLs, and (on GreenMail, after the bridge has seen the
        // messages once) LIST sizes equal to the octets RETR sent.
        Path second = tmp.resolve("second");
        poplib(bridge, second, "retr");
        assertEquals(Files.readAllLines(first.resolve("uidl.txt")), Files.readAllLines(second.resolve("uidl.txt")),
                "UIDLs are stable across sessions");
        List<String> list2 = Files.readAllLines(second.resolve("list.txt"), StandardCharsets.US_ASCII);
        for (int n = 1; n <= uids.size(); n++) {
            assertEquals(n + " " + Files.size(first.resolve("msg." + n)), list2.get(n - 1),
                    "LIST = RETR octets in a later session, message " + n);
            assertArrayEquals(Files.readAllBytes(first.resolve("msg." + n)),
                    Files.readAllBytes(second.resolve("msg." + n)), "same bytes in the second session, message " + n);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "dovecot, hide", "dovecot, seen", "dovecot, expunge", "dovecot, move:POP3 Trash",
        "greenmail, hide", "greenmail, move:POP3 Trash"}) // GreenMail: the two that differ most in IMAP commands
    void deleAndQuitAppliesTheDeletePolicyUpstream(String upstream, String policy) throws Exception {
        backend = Backend.open(upstream, true);
        List<Long> uids = backend.fill(Corpus.framingCorpus()); // small: the download test has the big one
        try (RawImap imap = backend.imap()) {
            if (policy.startsWith("move:")) {
                if (!imap.ok("LIST \"\" \"POP3 Trash\"").isEmpty()) {
                    imap.ok("DELETE \"POP3 Trash\""); // left by an earlier, failed run (Dovecot is shared)
                }
                imap.ok("CREATE \"POP3 Trash\"");
            }
        }
        InetSocketAddress bridge = backend.startBridge(policy);
        Set<Integer> deleted = Set.of(1, 3, uids.size());
        poplib(bridge, tmp.resolve("dele"), "dele:1,3," + uids.size());

        try (RawImap imap = backend.imap()) {
            List<Long> after = imap.uids();
            List<Long> expectedRemaining = new ArrayList<>();
            for (int n = 1; n <= uids.size(); n++) {
                long uid = uids.get(n - 1);
                boolean isDeleted = deleted.contains(n);
                switch (policy) {
                    case "hide", "seen" -> {
                        expectedRemaining.add(uid);
                        String flags = imap.flags(uid);
                        assertEquals(isDeleted, flags.contains("$POP3Deleted"), "uid " + uid + " flags " + flags);
                        assertEquals(isDeleted && policy.equals("seen"), flags.contains("\\Seen"),
                                "uid " + uid + " flags " + flags);
                    }
                    default -> {
                        if (!isDeleted) {
                            expectedRemaining.add(uid);
                            assertFalse(imap.flags(uid).contains("$POP3Deleted"));
                        }
                    }
                }
            }
            assertEquals(expectedRemaining, after, "INBOX after DELE 1, 3, " + uids.size() + " with " + policy);
            if (policy.startsWith("move:")) {
                assertEquals(3, imap.count("POP3 Trash"), "moved messages");
                imap.ok("DELETE \"POP3 Trash\"");
            }
        }

        // The next POP3 session no longer lists the deleted messages, whatever the policy.
        Path stat = tmp.resolve("stat");
        poplib(bridge, stat, "stat");
        String line = Files.readString(stat.resolve("stat.txt")).strip();
        assertTrue(line.startsWith((uids.size() - 3) + " "), "STAT after the deletion: " + line);
    }
}
