package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** AUTH (RFC 5034), the cleartext policy and failed-login handling, on an EmbeddedChannel. */
class Pop3SaslTest {

    private static final String OK = "+OK Logged in.\r\n";
    private static final String PLAINTEXT = SaslCommands.PLAINTEXT_DISALLOWED + "\r\n";

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Pop3Options options(AuthOptions auth) {
        return new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 10, "popbridge", auth);
    }

    private static AuthOptions auth(boolean trustLoopback, Duration delay, int maxFailures, Set<String> tokens) {
        return new AuthOptions(false, trustLoopback, List.of(), delay, maxFailures, tokens);
    }

    @Test
    void plainWithInitialResponseLogsIn() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH PLAIN " + b64("\0bob\0secret"), OK);
        assertEquals("bob", h.provider.seen.get(0).userName());
    }

    @Test
    void plainWithContinuationLogsIn() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH PLAIN", "+ \r\n");
        h.expect(b64("bob\0bob\0secret"), OK);
        assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), h.provider.seen.get(0).password());
    }

    @Test
    void loginExchangesUserAndPasswordPrompts() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH LOGIN", "+ VXNlcm5hbWU6\r\n");
        h.expect(b64("bob"), "+ UGFzc3dvcmQ6\r\n");
        h.expect(b64("secret"), OK);
        assertEquals("bob", h.provider.seen.get(0).userName());
    }

    @Test
    void starCancelsTheExchange() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH PLAIN", "+ \r\n").expect("*", "-ERR Authentication cancelled.\r\n");
        h.expect("AUTH LOGIN", "+ VXNlcm5hbWU6\r\n").expect(b64("bob"), "+ UGFzc3dvcmQ6\r\n")
                .expect("*", "-ERR Authentication cancelled.\r\n");
        assertTrue(h.provider.seen.isEmpty());
        h.expect("USER bob", "+OK\r\n").expect("PASS secret", OK);
    }

    @Test
    void badBase64IsRejected() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH PLAIN %%%", "-ERR Invalid base64 data.\r\n");
        h.expect("AUTH PLAIN", "+ \r\n").expect("not base64!", "-ERR Invalid base64 data.\r\n");
        assertTrue(h.provider.seen.isEmpty());
    }

    @Test
    void authorizationIdentityOtherThanTheUserIsRefused() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH PLAIN " + b64("admin\0bob\0secret"),
                "-ERR [AUTH] Authorization identity must be the user name.\r\n");
        assertTrue(h.provider.seen.isEmpty());
    }

    @Test
    void equalsSignIsAnEmptyInitialResponse() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH PLAIN =", "-ERR Invalid PLAIN response.\r\n");
        assertTrue(h.provider.seen.isEmpty());
    }

    @Test
    void unknownMechanismAndDisabledTokenMechanismsAreUnsupported() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH CRAM-MD5", "-ERR Unsupported authentication mechanism.\r\n");
        h.expect("AUTH XOAUTH2 " + b64("user=bob\u0001auth=Bearer t\u0001\u0001"),
                "-ERR Unsupported authentication mechanism.\r\n");
    }

    @Test
    void authWithoutMechanismListsTheMechanisms() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("AUTH", "+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n");
    }

    @Test
    void authLinesMayBe8KiBButNotMore() {
        Pop3SessionHarness h = new Pop3SessionHarness(new Pop3Options(255, Duration.ofMinutes(10),
                Duration.ofMinutes(1), 10, "popbridge", Pop3SessionHarness.QUICK_AUTH)).greeted();
        int max = Pop3Options.MAX_AUTH_LINE_LENGTH;
        String prefix = "AUTH PLAIN ";
        // 8192 octets: read as AUTH (8181 is no base64 length, so the decoding is what fails)
        h.expect(prefix + "A".repeat(max - prefix.length()), "-ERR Invalid base64 data.\r\n");
        h.expect(prefix + "A".repeat(max - prefix.length() + 1), "-ERR Line too long\r\n");
        // a long line that is not AUTH stays limited to 255
        h.expect("USER " + "x".repeat(300), "-ERR Line too long\r\n");
        // a SASL response of exactly 8192 octets is accepted: 6144 octets of PLAIN
        String response = b64("\0bob\0" + "s".repeat(max / 4 * 3 - 5));
        assertEquals(max, response.length());
        h.expect("AUTH PLAIN", "+ \r\n").expect(response, "-ERR [AUTH] Authentication failed.\r\n");
        assertEquals(max / 4 * 3 - 5, h.provider.seen.get(0).password().length);
        // one more octet ends the exchange
        h.expect("AUTH PLAIN", "+ \r\n").expect(response + "A", "-ERR Line too long\r\n");
        h.expect("CAPA", "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN LOGIN\r\n"
                + "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION popbridge\r\n.\r\n");
    }

    @Test
    void xoauth2ReachesTheProviderAsATokenLogin() {
        Pop3SessionHarness h = new Pop3SessionHarness(options(auth(true, Duration.ZERO, 3, Set.of("XOAUTH2", "OAUTHBEARER"))))
                .greeted();
        h.expect("CAPA", "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\n"
                + "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION popbridge\r\n.\r\n");
        String response = "user=bob@example.com\u0001auth=Bearer ya29.token\u0001\u0001";
        h.expect("AUTH XOAUTH2 " + b64(response), OK);
        TokenLogin login = h.provider.tokens.get(0);
        assertEquals("XOAUTH2", login.mechanism());
        assertEquals("bob@example.com", login.user());
        assertArrayEquals(response.getBytes(StandardCharsets.UTF_8), login.initialResponse());
        assertTrue(h.provider.seen.isEmpty());
    }

    @Test
    void oauthbearerByContinuationNamesTheUserFromTheGs2Header() {
        Pop3SessionHarness h = new Pop3SessionHarness(options(auth(true, Duration.ZERO, 3, Set.of("OAUTHBEARER"))))
                .greeted();
        String response = "n,a=a=2Cb@example.com,\u0001host=x\u0001auth=Bearer t\u0001\u0001";
        h.expect("AUTH OAUTHBEARER", "+ \r\n").expect(b64(response), OK);
        assertEquals("a,b@example.com", h.provider.tokens.get(0).user());
        assertArrayEquals(response.getBytes(StandardCharsets.UTF_8), h.provider.tokens.get(0).initialResponse());
    }

    @Test
    void cleartextCredentialsAreRefusedFromAnUntrustedPeer() {
        Pop3SessionHarness h = new Pop3SessionHarness(options(auth(false, Duration.ZERO, 3, Set.of("XOAUTH2"))),
                TlsMode.PLAIN_STLS, Pop3TlsSupport::serverContext).greeted();
        h.expect("CAPA", "+OK Capability list follows\r\nTOP\r\nUIDL\r\nSTLS\r\n"
                + "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION popbridge\r\n.\r\n");
        h.expect("USER bob", PLAINTEXT);
        h.expect("PASS secret", "-ERR No username given.\r\n");
        h.expect("AUTH PLAIN " + b64("\0bob\0secret"), PLAINTEXT);
        h.expect("AUTH XOAUTH2 " + b64("user=bob\u0001auth=Bearer t\u0001\u0001"), PLAINTEXT);
        h.expect("AUTH", "+OK\r\n.\r\n");
        assertTrue(h.provider.seen.isEmpty());
        assertTrue(h.provider.tokens.isEmpty());
    }

    @Test
    void allowCleartextAcceptsCredentialsFromAnyone() {
        Pop3SessionHarness h = new Pop3SessionHarness(options(new AuthOptions(true, false, List.of(), Duration.ZERO, 3,
                Set.of()))).greeted();
        h.expect("USER bob", "+OK\r\n").expect("PASS secret", OK);
    }

    @Test
    void failedLoginIsAnsweredAfterTheDelayAndNothingRunsMeanwhile() {
        Pop3SessionHarness h = new Pop3SessionHarness(options(auth(true, Duration.ofSeconds(2), 3, Set.of()))).greeted();
        h.send("USER bob\r\nPASS wrong\r\nCAPA\r\n");
        assertEquals("+OK\r\n", h.out());
        h.ch.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        assertEquals("", h.out());
        h.ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        String out = h.out();
        assertTrue(out.startsWith("-ERR [AUTH] Authentication failed.\r\n+OK Capability list follows\r\n"), out);
    }

    @Test
    void theLastAllowedFailureClosesTheConnection() {
        Pop3SessionHarness h = new Pop3SessionHarness(options(auth(true, Duration.ofSeconds(2), 2, Set.of()))).greeted();
        h.send("AUTH PLAIN " + b64("\0bob\0x") + "\r\n");
        h.ch.advanceTimeBy(2, TimeUnit.SECONDS);
        assertEquals("-ERR [AUTH] Authentication failed.\r\n", h.out());
        assertTrue(h.ch.isOpen());
        h.send("USER bob\r\nPASS y\r\n");
        h.ch.advanceTimeBy(2, TimeUnit.SECONDS);
        assertEquals("+OK\r\n-ERR [AUTH] Authentication failed.\r\n", h.out());
        h.ch.runPendingTasks();
        assertFalse(h.ch.isOpen());
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSame() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("USER nobody", "+OK\r\n").expect("PASS wrong", "-ERR [AUTH] Authentication failed.\r\n");
        h.expect("USER bob", "+OK\r\n").expect("PASS wrong", "-ERR [AUTH] Authentication failed.\r\n");
    }
}
