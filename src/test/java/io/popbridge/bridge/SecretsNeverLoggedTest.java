package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.RecordingImapServer;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.TokenLogin;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Canary test: logins (password and token) and retrievals run with every popbridge and Netty
 * logger at TRACE; the captured log output contains no password, token or message content, nor
 * their base64 forms.
 */
class SecretsNeverLoggedTest {

    private static final String USER = "canary";
    private static final String PASSWORD = "Cn4ry-Pässwörd-9d2f71";
    private static final String WRONG_PASSWORD = "Cn4ry-Wrong-4e8a0c";
    private static final String TOKEN = "CANARY-TOKEN-ya29.c7a1f0e3";
    private static final String BODY = "CANARY-BODY-0b7e5c1d";
    private static final byte[] MESSAGE = ("From: a@example.com\r\nSubject: quarterly\r\n\r\n" + BODY + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XOAUTH2 = ("user=" + USER + "\u0001auth=Bearer " + TOKEN + "\u0001\u0001")
            .getBytes(StandardCharsets.UTF_8);

    private static final List<String> LOGGERS = List.of("io.popbridge", "io.netty");

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<Level> savedLevels = new ArrayList<>();
    private final List<Boolean> savedAdditivity = new ArrayList<>();

    @BeforeEach
    void captureEverything() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        captured.setContext(context);
        captured.start();
        for (String name : LOGGERS) {
            Logger logger = context.getLogger(name);
            savedLevels.add(logger.getLevel());
            savedAdditivity.add(logger.isAdditive());
            logger.setLevel(Level.TRACE);
            logger.setAdditive(false); // keep the console quiet; the list gets everything
            logger.addAppender(captured);
        }
    }

    @AfterEach
    void restoreLogging() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (int i = 0; i < LOGGERS.size(); i++) {
            Logger logger = context.getLogger(LOGGERS.get(i));
            logger.detachAppender(captured);
            logger.setLevel(savedLevels.get(i));
            logger.setAdditive(savedAdditivity.get(i));
        }
        captured.stop();
    }

    @Test
    void noSecretOrContentReachesTheLog() throws Exception {
        passwordLoginAndRetrievalOverImaps();
        tokenAndPlainLoginsAgainstTheFakeUpstream();

        List<String> needles = new ArrayList<>();
        for (String secret : List.of(PASSWORD, WRONG_PASSWORD, TOKEN, BODY)) {
            needles.add(secret);
            needles.add(base64(secret.getBytes(StandardCharsets.UTF_8)));
        }
        needles.add(base64(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        needles.add(base64(XOAUTH2));
        needles.add(base64(MESSAGE));

        List<ILoggingEvent> events;
        synchronized (captured) {
            events = List.copyOf(captured.list);
        }
        assertTrue(events.stream().anyMatch(e -> e.getLevel().toInt() <= Level.DEBUG.toInt()),
                "the loggers really ran at TRACE/DEBUG");
        for (ILoggingEvent event : events) {
            String text = render(event);
            for (String needle : needles) {
                assertTrue(!text.contains(needle), "log event of " + event.getLoggerName() + " contains a secret: "
                        + text.replace(needle, "<" + needle.length() + " secret chars>"));
            }
        }
    }

    private void passwordLoginAndRetrievalOverImaps() throws Exception {
        GreenMail greenMail = GreenMailTls.start();
        BridgeServer bridge = null;
        try {
            greenMail.setUser("canary@example.com", USER, PASSWORD);
            try (RawImap imap = new RawImap("127.0.0.1", greenMail.getImap().getPort(), USER, PASSWORD)) {
                imap.append(MESSAGE, null);
            }
            ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                    1L << 31, GreenMailTls.clientContext()).withPublicKeyPins(Set.of(GreenMailTls.serverPin()));
            BridgeOptions options = new BridgeOptions(GreenMailTls.imaps(greenMail), imap, "INBOX",
                    DeletePolicy.parse("hide"), RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
            bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                    new ImapMailboxProvider(options), 1);
            try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
                Pop3TestClient.expectOk(pop.command("USER " + USER));
                String reply = pop.command("PASS " + WRONG_PASSWORD);
                assertTrue(reply.startsWith("-ERR [AUTH]"), reply);
            }
            try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress()).login(USER, PASSWORD)) {
                assertArrayEquals(MESSAGE, pop.retr(1));
                Pop3TestClient.expectOk(pop.command("TOP 1 1"));
                pop.lines();
                Pop3TestClient.expectOk(pop.command("QUIT"));
            }
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            greenMail.stop();
        }
    }

    private void tokenAndPlainLoginsAgainstTheFakeUpstream() throws Exception {
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                null);
        for (String capabilities : List.of("AUTH=XOAUTH2 SASL-IR AUTH=PLAIN", "AUTH=XOAUTH2 AUTH=PLAIN")) {
            try (RecordingImapServer server = new RecordingImapServer()) {
                server.greeting = "* OK [CAPABILITY IMAP4rev1 " + capabilities + "] ready";
                server.messages.add(MESSAGE);
                UpstreamEndpoint endpoint = server.endpoint("127.0.0.1", UpstreamEndpoint.Security.PLAIN);
                try (ProviderHarness harness = new ProviderHarness(endpoint, imap)) {
                    Mailbox mailbox = harness.open(new TokenLogin("XOAUTH2", XOAUTH2, USER));
                    assertArrayEquals(MESSAGE, harness.retrieve(mailbox, 1));
                    harness.abandon(mailbox);
                    mailbox = harness.open(USER, PASSWORD);
                    assertArrayEquals(MESSAGE, harness.retrieve(mailbox, 1));
                    harness.abandon(mailbox);
                    server.saslErrorChallenge = base64("{\"status\":\"401\"}".getBytes(StandardCharsets.UTF_8));
                    assertEquals(FailureKind.AUTH, harness.failure(new TokenLogin("XOAUTH2", XOAUTH2, USER)));
                    server.saslErrorChallenge = null;
                    server.loginReply = "NO [AUTHENTICATIONFAILED] bad";
                    assertEquals(FailureKind.AUTH, harness.failure(USER, WRONG_PASSWORD));
                }
                server.awaitAllClosed();
                assertTrue(server.receivedText().contains(base64(XOAUTH2)), "the token did go upstream");
            }
        }
    }

    private static String base64(byte[] octets) {
        return Base64.getEncoder().encodeToString(octets);
    }

    private static String render(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage() == null ? "" : event.getFormattedMessage());
        if (event.getArgumentArray() != null) {
            for (Object arg : event.getArgumentArray()) {
                text.append(' ').append(arg);
            }
        }
        text.append(' ').append(event.getMDCPropertyMap());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
