package io.popbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
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
 * mpop through popbridge ({@code auth user}, {@code tls off}), delivering to a maildir with
 * {@code received_header off}: the whole mailbox arrives byte-exact after mpop's maildir
 * normalisation (CRLF becomes LF, {@link #stored});
 * a second run with {@code keep on} and the same UIDL file downloads nothing; a run without keep
 * deletes everything by the default policy (hide): every message is still in the IMAP INBOX with
 * {@code $POP3Deleted}, and a fresh mpop (no UIDL file) finds nothing to download.
 */
class MpopInteropTest {

    private static Path mpop;
    private Backend backend;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findMpop() throws Exception {
        mpop = Interop.client("mpop", "mpop");
        System.out.println("[interop] " + Interop.version(List.of(mpop.toString(), "--version"), Map.of(),
                Path.of(System.getProperty("java.io.tmpdir"))));
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /** What mpop's maildir delivery stores for a message RETR sent as {@code crlf}. */
    static byte[] stored(byte[] raw) {
        return Interop.lf(raw);
    }

    /**
     * mpop takes the rest of the line as the value; inside double quotes it does not undo
     * {@code \"} (1.4.18 sent the backslash along), so quote only where the line would otherwise
     * lose leading or trailing blanks, and refuse what cannot be written.
     */
    static String mpopValue(String value) {
        if (value.strip().equals(value) && !value.startsWith("\"")) {
            return value;
        }
        if (value.contains("\"")) {
            throw new IllegalArgumentException("mpop cannot take this value in its config file: " + value);
        }
        return "\"" + value + "\"";
    }

    private Interop.Result mpop(InetSocketAddress bridge, Path maildir, Path uidls, boolean keep, String name)
            throws Exception {
        Path conf = Interop.writePrivate(tmp.resolve(name + ".mpoprc"), """
                defaults
                account interop
                host 127.0.0.1
                port %d
                user %s
                password %s
                auth user
                tls off
                timeout 30
                delivery maildir %s
                uidls_file %s
                keep %s
                only_new on
                received_header off
                account default : interop
                """.formatted(bridge.getPort(), backend.user, mpopValue(backend.password),
                maildir, uidls, keep ? "on" : "off"));
        Interop.Result result = Interop.run(List.of(mpop.toString(), "--file=" + conf, "--half-quiet", "interop"),
                Map.of("HOME", tmp.toString()), tmp);
        assertEquals(0, result.exitCode(), "mpop " + name + " failed:\n" + result.output());
        return result;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.popbridge.interop.Backend#NAMES")
    void downloadsOnceByteExactThenNothingThenDeletesByPolicy(String upstream) throws Exception {
        backend = Backend.open(upstream, true);
        List<byte[]> corpus = Interop.corpus();
        List<Long> uids = backend.fill(corpus);
        InetSocketAddress bridge = backend.startBridge("hide");
        Path uidls = tmp.resolve("uidls");

        Path first = Interop.maildir(tmp.resolve("first"));
        mpop(bridge, first, uidls, true, "first");
        List<byte[]> expected = new ArrayList<>();
        try (RawImap imap = backend.imap()) {
            for (long uid : uids) {
                expected.add(stored(imap.body(uid)));
            }
        }
        Interop.assertSameMessages("mpop first run", expected, Interop.maildirMessages(first));

        Path second = Interop.maildir(tmp.resolve("second"));
        mpop(bridge, second, uidls, true, "second");
        assertEquals(0, Interop.maildirMessages(second).size(), "second run with keep and the UIDL file");

        Path third = Interop.maildir(tmp.resolve("delete"));
        mpop(bridge, third, tmp.resolve("fresh-uidls"), false, "delete");
        Interop.assertSameMessages("mpop delete run (fresh UIDL file)", expected, Interop.maildirMessages(third));
        try (RawImap imap = backend.imap()) {
            assertEquals(uids, imap.uids(), "hide keeps every message in the INBOX");
            for (long uid : uids) {
                assertTrue(imap.flags(uid).contains("$POP3Deleted"), "uid " + uid + ": " + imap.flags(uid));
            }
        }

        Path after = Interop.maildir(tmp.resolve("after"));
        mpop(bridge, after, tmp.resolve("another-fresh-uidls"), true, "after");
        assertEquals(0, Interop.maildirMessages(after).size(), "hidden messages are not offered again");
    }
}
