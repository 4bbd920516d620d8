package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.fuzz.FuzzInputs;
import io.popbridge.fuzz.FuzzTries;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the SASL exchange (RFC 5034): AUTH with any mechanism name and any initial response,
 * followed by any continuation lines (valid base64 of arbitrary octets, garbage, "*", "=", empty,
 * over-long). The session never throws, every reply is a well-formed POP3 line, and a token the
 * provider receives is exactly the decoding of a response the client sent.
 */
@AddLifecycleHook(FuzzTries.class)
class Pop3SaslFuzzTest {

    private static final Pop3Options OPTIONS = new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 50,
            "popbridge", new AuthOptions(false, true, List.of(), Duration.ZERO, 50, Set.of("XOAUTH2", "OAUTHBEARER")));

    @Provide
    Arbitrary<List<String>> exchange() {
        Arbitrary<String> mechanism = Arbitraries.oneOf(Arbitraries.of("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER",
                "plain", "CRAM-MD5", "", "PLAIN PLAIN"), Arbitraries.strings().ascii().ofMaxLength(20));
        Arbitrary<String> response = Arbitraries.oneOf(
                FuzzInputs.rawBytes(300).map(b -> Base64.getEncoder().encodeToString(b)),
                FuzzInputs.rawBytes(80).map(b -> new String(b, StandardCharsets.ISO_8859_1).replace("\n", "")),
                Arbitraries.of("*", "=", "", "====", "AGJvYgBzZWNyZXQ=", "AGJvYgB3cm9uZw==", "x".repeat(9000)));
        Arbitrary<String> first = net.jqwik.api.Combinators.combine(mechanism, response, Arbitraries.of(true, false))
                .as((m, r, withResponse) -> "AUTH " + m + (withResponse ? " " + r : ""));
        return net.jqwik.api.Combinators.combine(first, response.list().ofMaxSize(4)).as((f, rest) -> {
            List<String> lines = new ArrayList<>();
            lines.add(f);
            lines.addAll(rest);
            return lines;
        });
    }

    @Property
    void anySaslExchangeGetsWellFormedRepliesAndNeverAltersAToken(@ForAll("exchange") List<String> lines) {
        Pop3SessionHarness h = new Pop3SessionHarness(OPTIONS);
        try {
            h.out(); // greeting
            StringBuilder replies = new StringBuilder();
            for (String line : lines) {
                h.send(line + "\r\n");
                replies.append(h.out());
            }
            h.ch.checkException();
            for (String reply : replies.toString().split("\r\n", -1)) {
                if (!reply.isEmpty()) {
                    // status lines, SASL challenges, and the mechanism list a bare AUTH gets
                    assertTrue(reply.startsWith("+OK") || reply.startsWith("-ERR") || reply.startsWith("+ ")
                            || reply.equals("+") || reply.equals(".") || reply.matches("[A-Z0-9_-]{1,20}"),
                            "malformed reply: " + reply);
                }
            }
            assertTrue(replies.length() == 0 || replies.toString().endsWith("\r\n"), "unterminated reply");
            for (TokenLogin token : h.provider.tokens) {
                boolean sent = lines.stream().anyMatch(line -> decodes(line, token.initialResponse()));
                assertTrue(sent, "the provider got a token the client never sent");
            }
        } finally {
            h.ch.finishAndReleaseAll();
        }
    }

    /** Whether the line (or its last space-separated word) is base64 of exactly {@code expected}. */
    private static boolean decodes(String line, byte[] expected) {
        String word = line.substring(line.lastIndexOf(' ') + 1);
        try {
            byte[] decoded = Base64.getDecoder().decode(word);
            assertArrayEquals(expected, decoded);
            return true;
        } catch (IllegalArgumentException | AssertionError e) {
            return false;
        }
    }
}
