package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Pop3AuthorizationTest {

    private static final String CAPA = "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN LOGIN\r\nRESP-CODES\r\n"
            + "AUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION popbridge\r\n.\r\n";

    @Test
    void greetingNamesNoHostOrVersion() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        assertEquals("+OK popbridge ready.\r\n", h.out());
        assertFalse(h.ch.finish());
    }

    @Test
    void capaListsWhatIsWiredInBothStates() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.greeted().expect("CAPA", CAPA);
        h.expect("USER bob", "+OK\r\n").expect("PASS secret", "+OK Logged in.\r\n");
        h.expect("capa", CAPA);
    }

    @Test
    void capaOmitsImplementationWhenNotConfigured() {
        Pop3SessionHarness h = new Pop3SessionHarness(
                new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 3, null));
        h.greeted().expect("CAPA", CAPA.replace("IMPLEMENTATION popbridge\r\n", ""));
    }

    @Test
    void userPassLogsInAndPassesContextOnTheChannelsEventLoop() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.loggedIn();
        assertEquals("bob", h.provider.seen.get(0).userName());
        SessionContext context = h.provider.contexts.get(0);
        assertEquals(h.ch.eventLoop(), context.eventLoop());
        assertFalse(context.secure());
        h.expect("STAT", "+OK 0 0\r\n");
    }

    @Test
    void passwordWithSpacesAndUtf8ReachesCredentialsAsRawOctets() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.provider.password = " pa ss w\u00f6rd ";
        h.greeted();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes("USER j\u00fcrgen\r\nPASS  pa ss w\u00f6rd \r\n".getBytes(StandardCharsets.UTF_8));
        h.sendBytes(in.toByteArray());
        assertEquals("+OK\r\n+OK Logged in.\r\n", h.out());
        Credentials c = h.provider.seen.get(0);
        assertArrayEquals("j\u00fcrgen".getBytes(StandardCharsets.UTF_8), c.user());
        assertArrayEquals(" pa ss w\u00f6rd ".getBytes(StandardCharsets.UTF_8), c.password());
    }

    @Test
    void passWithoutUserIsRejected() {
        new Pop3SessionHarness().greeted().expect("PASS secret", "-ERR No username given.\r\n");
    }

    @Test
    void transactionCommandsBeforeLoginAreRejected() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("RETR 1", "-ERR Not logged in.\r\n");
        h.expect("STAT", "-ERR Not logged in.\r\n");
        assertTrue(h.provider.seen.isEmpty());
    }

    @Test
    void badPasswordGetsAuthCodeAndAllowsAnotherTry() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("USER bob", "+OK\r\n").expect("PASS wrong", "-ERR [AUTH] Authentication failed.\r\n");
        h.expect("PASS secret", "-ERR No username given.\r\n");
        h.expect("USER bob", "+OK\r\n").expect("PASS secret", "+OK Logged in.\r\n");
    }

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void loginFailureReplyIsChosenByKindAloneWithItsCode(FailureKind kind) {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.provider.failWith = kind;
        h.expect("USER bob", "+OK\r\n");
        h.send("PASS secret\r\n");
        String reply = h.out();
        assertEquals(Pop3Replies.failure(kind) + "\r\n", reply);
        assertFalse(reply.contains("imap.internal") || reply.contains("secret"), reply);
        String code = switch (kind) {
            case AUTH -> "-ERR [AUTH] ";
            case IN_USE -> "-ERR [IN-USE] ";
            case SYS_TEMP -> "-ERR [SYS/TEMP] ";
            case SYS_PERM -> "-ERR [SYS/PERM] ";
            case MESSAGE_GONE -> "-ERR ";
        };
        assertTrue(reply.startsWith(code), reply);
    }

    @Test
    void apopIsNotSupported() {
        new Pop3SessionHarness().greeted().expect("APOP bob 0123456789abcdef", "-ERR APOP is not supported.\r\n");
    }

    @Test
    void quitBeforeLoginSaysGoodbyeAndCloses() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("QUIT", "+OK Logging out.\r\n");
        assertFalse(h.ch.isOpen());
        assertTrue(h.provider.seen.isEmpty());
    }

    @Test
    void lineTooLongIsAnsweredAndTheNextCommandWorks() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("USER " + "x".repeat(300), "-ERR Line too long\r\n");
        h.expect("CAPA", CAPA);
    }

    @Test
    void unknownCommandIsEchoedSanitizedAndShort() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("XYZZY\u0001" + "A".repeat(100), "-ERR Unknown command: XYZZY?" + "A".repeat(34) + "...\r\n");
    }

    @Test
    void badCommandLimitClosesTheConnection() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("FOO", "-ERR Unknown command: FOO\r\n");
        h.expect("BAR", "-ERR Unknown command: BAR\r\n");
        h.expect("USER " + "x".repeat(300), "-ERR Line too long\r\n");
        assertTrue(h.ch.isOpen());
        h.expect("BAZ", "-ERR Too many bad commands.\r\n");
        assertFalse(h.ch.isOpen());
    }

    @Test
    void badCommandsAreCountedPerState() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.expect("FOO", "-ERR Unknown command: FOO\r\n").expect("FOO", "-ERR Unknown command: FOO\r\n");
        h.expect("USER bob", "+OK\r\n").expect("PASS secret", "+OK Logged in.\r\n");
        h.expect("FOO", "-ERR Unknown command: FOO\r\n").expect("FOO", "-ERR Unknown command: FOO\r\n");
        h.expect("FOO", "-ERR Unknown command: FOO\r\n");
        assertTrue(h.ch.isOpen());
        h.expect("FOO", "-ERR Too many bad commands.\r\n");
        assertFalse(h.ch.isOpen());
        assertEquals(1, h.mailbox.abandoned);
        assertTrue(h.mailbox.commits.isEmpty());
    }

    @Test
    void pipelinedLoginWaitsForTheProvider() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.provider.defer = true;
        h.mailbox.add("u1", "a\r\n");
        h.send("USER bob\r\nPASS secret\r\nSTAT\r\nNOOP\r\n");
        assertEquals("+OK\r\n", h.out());
        assertFalse(h.ch.config().isAutoRead());
        h.provider.complete(h.provider.seen.get(0));
        assertEquals("+OK Logged in.\r\n+OK 1 3\r\n+OK\r\n", h.out());
        assertTrue(h.ch.config().isAutoRead());
    }

    @Test
    void mailboxOpenedAfterTheClientLeftIsAbandoned() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        h.provider.defer = true;
        h.send("USER bob\r\nPASS secret\r\n");
        assertEquals("+OK\r\n", h.out());
        h.ch.close();
        h.provider.complete(h.provider.seen.get(0));
        h.ch.runPendingTasks();
        assertEquals(1, h.mailbox.abandoned);
        assertTrue(h.mailbox.commits.isEmpty());
    }

    @Test
    void repeatedAuthenticationFailuresCloseTheConnection() {
        // auth.max-failures = 3: the third failure is answered, then the connection closes
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        for (int i = 0; i < 2; i++) {
            h.expect("USER bob", "+OK\r\n").expect("PASS guess" + i, "-ERR [AUTH] Authentication failed.\r\n");
        }
        assertTrue(h.ch.isOpen());
        h.expect("USER bob", "+OK\r\n").expect("PASS guess", "-ERR [AUTH] Authentication failed.\r\n");
        assertFalse(h.ch.isOpen());
    }

    @Test
    void brokenSnapshotIsATemporaryFailureAndTheMailboxIsAbandoned() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        FakeMailbox broken = new FakeMailbox(h.ch.eventLoop()) {
            @Override
            public MessageList messages() {
                throw new IllegalStateException("bridge bug");
            }
        };
        h.provider.mailbox = broken;
        h.greeted().expect("USER bob", "+OK\r\n");
        h.expect("PASS secret", "-ERR [SYS/TEMP] Temporary server failure, try again later.\r\n");
        assertEquals(1, broken.abandoned);
        h.expect("STAT", "-ERR Not logged in.\r\n");
    }

    @Test
    void inputWithoutLineEndsClosesTheSession() {
        Pop3SessionHarness h = new Pop3SessionHarness().greeted();
        // past the 8 KiB an AUTH line may have, plus the discard allowance
        h.send("NOOP\r\n" + "A".repeat(Pop3Options.MAX_AUTH_LINE_LENGTH + Pop3LineDecoder.DISCARD_LIMIT + 1000));
        assertEquals("-ERR Not logged in.\r\n-ERR Line too long\r\n", h.out());
        assertFalse(h.ch.isOpen());
    }
}
