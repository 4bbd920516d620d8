package io.popbridge.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * curl's POP3 support through popbridge: every message retrieved with {@code pop3://host/N} is
 * byte-exact (curl writes the message as received, CRLF and all, dot-unstuffed), and the sizes
 * curl's LIST shows equal the octets of those RETRs (on GreenMail in the session after the
 * first RETR, as its RFC822.SIZE is not the size of the message).
 */
class CurlInteropTest {

    private static Path curl;
    private Backend backend;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findCurl() throws Exception {
        curl = Interop.client("curl", "curl");
        System.out.println("[interop] " + Interop.version(List.of(curl.toString(), "--version"), Map.of(),
                Path.of(System.getProperty("java.io.tmpdir"))));
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    private byte[] curl(InetSocketAddress bridge, String path, String name) throws Exception {
        Path out = tmp.resolve(name);
        // The login goes through a config file, not the command line (quoted: space, quote, backslash).
        String login = (backend.user + ":" + backend.password).replace("\\", "\\\\").replace("\"", "\\\"");
        Path config = Interop.writePrivate(tmp.resolve(name + ".curlrc"), "user = \"" + login + "\"\n");
        Interop.Result result = Interop.run(List.of(curl.toString(), "--disable", "--config", config.toString(),
                "-sS", "--max-time", "30", "--output", out.toString(),
                "pop3://127.0.0.1:" + bridge.getPort() + path), Map.of("HOME", tmp.toString()), tmp);
        assertEquals(0, result.exitCode(), "curl " + path + " failed:\n" + result.output());
        return Files.readAllBytes(out);
    }

    private List<String> list(InetSocketAddress bridge, String name) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : new String(curl(bridge, "/", name), StandardCharsets.US_ASCII).split("\r\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.popbridge.interop.Backend#NAMES")
    void retrievesEveryMessageByteExactAndListSizesAreRetrOctets(String upstream) throws Exception {
        backend = Backend.open(upstream, true);
        List<Long> uids = backend.fill(Interop.corpus());
        InetSocketAddress bridge = backend.startBridge("hide");

        List<String> before = list(bridge, "list-before");
        List<byte[]> got = new ArrayList<>();
        try (RawImap imap = backend.imap()) {
            for (int n = 1; n <= uids.size(); n++) {
                byte[] message = curl(bridge, "/" + n, "msg." + n);
                byte[] expected = Interop.crlf(imap.body(uids.get(n - 1)));
                assertArrayEquals(expected, message, "message " + n + ": " + Interop.firstDifference(expected, message));
                got.add(message);
            }
        }
        List<String> after = list(bridge, "list-after");
        assertEquals(uids.size(), after.size(), "LIST lines: " + after);
        for (int n = 1; n <= uids.size(); n++) {
            String expected = n + " " + got.get(n - 1).length;
            assertEquals(expected, after.get(n - 1), "LIST = RETR octets, message " + n);
            if (backend.exactSizesBeforeRetr()) {
                assertEquals(expected, before.get(n - 1), "LIST before any RETR = RETR octets, message " + n);
            }
        }
    }
}
