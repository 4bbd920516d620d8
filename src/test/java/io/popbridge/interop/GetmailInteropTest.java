package io.popbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * getmail6 (SimplePOP3Retriever, no STLS) through popbridge into a Maildir with
 * {@code delivered_to} and {@code received} off: the whole mailbox arrives byte-exact after
 * getmail's normalisation (LF line ends, a {@code Return-Path:} line prepended); a second run with
 * {@code delete = false} and the same getmail directory (its oldmail file) downloads nothing; a run
 * with {@code delete = true} under the {@code expunge} policy removes every message from the IMAP
 * INBOX.
 */
class GetmailInteropTest {

    private static Path getmail;
    private Backend backend;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findGetmail() throws Exception {
        getmail = Interop.client("getmail", "getmail6");
        System.out.println("[interop] " + Interop.version(List.of(getmail.toString(), "--version"), Map.of(),
                Path.of(System.getProperty("java.io.tmpdir"))));
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /**
     * What getmail's Maildir destination stores: the message with LF line ends, after a
     * Return-Path line it always writes (from Return-Path:, else Sender:, else "unknown"; the
     * corpus has neither).
     */
    static byte[] stored(byte[] raw) {
        return Interop.concat("Return-Path: <unknown>\n".getBytes(StandardCharsets.US_ASCII), Interop.lf(raw));
    }

    /**
     * getmail refuses to deliver as root ("refuse to deliver mail as root"); CI runs as root, so
     * there the Maildir destination delivers as {@code nobody} (its {@code user} setting) into
     * directories opened up for it.
     */
    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private Path maildir(String name) throws Exception {
        Path dir = Interop.maildir(tmp.resolve(name));
        if (root()) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            for (String sub : List.of("", "cur", "new", "tmp")) {
                Files.setPosixFilePermissions(dir.resolve(sub),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
        return dir;
    }

    private void getmail(InetSocketAddress bridge, Path maildir, Path getmailDir, boolean delete, String name)
            throws Exception {
        Files.createDirectories(getmailDir);
        Path rc = Interop.writePrivate(tmp.resolve(name + ".getmailrc"), """
                [retriever]
                type = SimplePOP3Retriever
                server = 127.0.0.1
                port = %d
                username = %s
                password = %s
                timeout = 30

                [destination]
                type = Maildir
                path = %s/
                %s

                [options]
                verbose = 1
                read_all = false
                delete = %s
                delivered_to = false
                received = false
                message_log_syslog = false
                """.formatted(bridge.getPort(), backend.user, backend.password, maildir, root() ? "user = nobody" : "", delete));
        Interop.Result result = Interop.run(List.of(getmail.toString(), "--rcfile", rc.toString(),
                "--getmaildir", getmailDir.toString()), Map.of("HOME", tmp.toString()), tmp);
        assertEquals(0, result.exitCode(), "getmail " + name + " failed:\n" + result.output());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.popbridge.interop.Backend#NAMES")
    void downloadsOnceByteExactThenNothingThenExpunges(String upstream) throws Exception {
        backend = Backend.open(upstream, true);
        List<Long> uids = backend.fill(Interop.corpus());
        InetSocketAddress keepBridge = backend.startBridge("hide");
        Path state = tmp.resolve("getmail-state");

        Path first = maildir("first");
        getmail(keepBridge, first, state, false, "first");
        List<byte[]> expected = new ArrayList<>();
        try (RawImap imap = backend.imap()) {
            for (long uid : uids) {
                expected.add(stored(imap.body(uid)));
            }
        }
        Interop.assertSameMessages("getmail first run", expected, Interop.maildirMessages(first));

        Path second = maildir("second");
        getmail(keepBridge, second, state, false, "second");
        assertEquals(0, Interop.maildirMessages(second).size(), "second run with delete = false and the oldmail file");

        InetSocketAddress expungeBridge = backend.startBridge("expunge");
        Path third = maildir("delete");
        getmail(expungeBridge, third, tmp.resolve("fresh-state"), true, "delete");
        Interop.assertSameMessages("getmail delete run (fresh state)", expected, Interop.maildirMessages(third));
        try (RawImap imap = backend.imap()) {
            List<Long> left = imap.uids();
            for (long uid : uids) {
                assertFalse(left.contains(uid), "expunged: uid " + uid);
            }
        }
    }
}
