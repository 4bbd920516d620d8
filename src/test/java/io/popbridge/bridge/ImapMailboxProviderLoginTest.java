package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.RecordingImapServer;
import io.popbridge.imap.TestCertificates;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.TokenLogin;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How upstream login outcomes reach POP3, through {@link ImapMailboxProvider} with no POP3 in between. */
class ImapMailboxProviderLoginTest {

    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOKEN = "user=alice\u0001auth=Bearer tok\u0001\u0001".getBytes(StandardCharsets.UTF_8);

    private RecordingImapServer server;
    private ProviderHarness harness;

    @BeforeEach
    void start() throws Exception {
        server = new RecordingImapServer();
        server.messages.add(MESSAGE);
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        server.close();
    }

    private ProviderHarness plain(String capabilities) {
        server.greeting = "* OK [CAPABILITY " + capabilities + "] ready";
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                null);
        harness = new ProviderHarness(server.endpoint("127.0.0.1", UpstreamEndpoint.Security.PLAIN), imap);
        return harness;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)|AUTH",
        "NO bad password|AUTH",
        "NO [UNAVAILABLE] backend down|SYS_TEMP",
        "NO [ALERT] Your account is locked, call 555-0100|SYS_TEMP",
        "NO [REFERRAL imap://user@other.example/] go elsewhere|SYS_TEMP",
        "BAD what?|SYS_PERM"})
    void taggedLoginAnswerMapsToAFailureKind(String answer, FailureKind expected) throws Exception {
        server.loginReply = answer;
        plain("IMAP4rev1");
        assertEquals(expected, harness.failure("alice", "secret"));
    }

    @Test
    void byeDuringLoginIsTemporary() throws Exception {
        server.beforeLoginReply = "* BYE [UNAVAILABLE] shutting down\r\n";
        plain("IMAP4rev1 AUTH=PLAIN SASL-IR");
        assertEquals(FailureKind.SYS_TEMP, harness.failure("alice", "secret"));
    }

    @Test
    void unreachableUpstreamIsTemporary() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                null);
        harness = new ProviderHarness(new UpstreamEndpoint("127.0.0.1", port, UpstreamEndpoint.Security.PLAIN), imap);
        assertEquals(FailureKind.SYS_TEMP, harness.failure("alice", "secret"));
    }

    @Test
    void upstreamThatNeverGreetsTimesOutAsTemporary() throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofMillis(300), Duration.ofSeconds(5), 4096, 1L << 20,
                null);
        // accepted by the kernel (backlog), never answered
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            harness = new ProviderHarness(new UpstreamEndpoint("127.0.0.1", silent.getLocalPort(),
                    UpstreamEndpoint.Security.PLAIN), imap);
            assertEquals(FailureKind.SYS_TEMP, harness.failure("alice", "secret"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\0b", "x\r\nA2 LOGOUT"})
    void crLfOrNulIsRefusedWithoutConnecting(String bad) throws Exception {
        plain("IMAP4rev1");
        assertEquals(FailureKind.AUTH, harness.failure("alice", bad));
        assertEquals(FailureKind.AUTH, harness.failure(bad, "secret"));
        assertEquals(0, server.connections());
    }

    @Test
    void passwordLoginOpensTheMailbox() throws Exception {
        plain("IMAP4rev1 AUTH=PLAIN SASL-IR");
        Mailbox mailbox = harness.open("alice", "pässwörd");
        assertEquals(1, mailbox.messages().count());
        assertArrayEquals(MESSAGE, harness.retrieve(mailbox, 1));
        harness.abandon(mailbox);
        server.awaitAllClosed();
        String plainMessage = Base64.getEncoder().encodeToString("\0alice\0pässwörd".getBytes(StandardCharsets.UTF_8));
        assertEquals("A1 AUTHENTICATE PLAIN " + plainMessage + "\r\n", server.commands().get(0));
    }

    @Test
    void tokenLoginOpensTheMailbox() throws Exception {
        plain("IMAP4rev1 AUTH=XOAUTH2 SASL-IR");
        TokenLogin login = new TokenLogin("XOAUTH2", TOKEN, "alice");
        Mailbox mailbox = harness.open(login);
        assertEquals(1, mailbox.messages().count());
        assertArrayEquals(MESSAGE, harness.retrieve(mailbox, 1));
        harness.abandon(mailbox);
        server.awaitAllClosed();
        assertEquals("A1 AUTHENTICATE XOAUTH2 " + Base64.getEncoder().encodeToString(TOKEN) + "\r\n",
                server.commands().get(0));
        assertEquals(List.of(), server.commands().stream().filter(c -> c.contains("LOGIN ")).toList());
    }

    @Test
    void rejectedTokenIsAnAuthFailure() throws Exception {
        server.saslErrorChallenge = Base64.getEncoder().encodeToString(
                "{\"status\":\"401\"}".getBytes(StandardCharsets.UTF_8));
        plain("IMAP4rev1 AUTH=XOAUTH2");
        assertEquals(FailureKind.AUTH, harness.failure(new TokenLogin("XOAUTH2", TOKEN, "alice")));
    }

    @Test
    void tokenMechanismTheUpstreamLacksIsPermanentAndSendsNothing() throws Exception {
        plain("IMAP4rev1 AUTH=PLAIN");
        assertEquals(FailureKind.SYS_PERM, harness.failure(new TokenLogin("OAUTHBEARER", TOKEN, "alice")));
        server.awaitAllClosed();
        assertEquals(List.of(), server.commands());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unknown CA", "pin mismatch"})
    void unverifiableUpstreamIsTemporaryAndGetsNoCredentials(String problem) throws Exception {
        TestCertificates.Identity ca = TestCertificates.ca("bridge test CA");
        TestCertificates.Identity leaf = TestCertificates.leaf(problem.equals("unknown CA")
                ? TestCertificates.ca("stranger") : ca, List.of(), List.of("127.0.0.1"));
        server.implicitTls = leaf.serverContext();
        server.greeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready";
        Set<String> pins = problem.equals("pin mismatch") ? Set.of(ca.pin()) : Set.of();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                ca.trustingClientContext()).withPublicKeyPins(pins);
        harness = new ProviderHarness(server.endpoint("127.0.0.1", UpstreamEndpoint.Security.IMPLICIT_TLS), imap);
        assertEquals(FailureKind.SYS_TEMP, harness.failure("alice", "secret"));
        server.awaitAllClosed();
        assertEquals(0, server.received().length);
        assertFalse(server.receivedText().contains("secret"));
    }
}
