package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Login commands as the upstream receives them, octet for octet: LOGIN with hostile passwords,
 * AUTHENTICATE PLAIN with and without SASL-IR, and token pass-through.
 */
class ImapLoginTest {

    private RecordingImapServer server;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ImapClient client;

    @BeforeEach
    void start() throws Exception {
        server = new RecordingImapServer();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            loop.submit(client::close).get();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        server.close();
    }

    private ImapClient connect(String capabilities) throws Exception {
        server.greeting = "* OK [CAPABILITY " + capabilities + "] ready";
        server.loginReply = "OK [CAPABILITY " + capabilities + "] logged in";
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                null);
        UpstreamEndpoint endpoint = server.endpoint("127.0.0.1", UpstreamEndpoint.Security.PLAIN);
        client = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Closes the client and waits until the server has read everything it sent. */
    private byte[] received() throws Exception {
        loop.submit(client::close).get();
        server.awaitAllClosed();
        return server.received();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Throwable cause(Future<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"a b", "a\"b", "a\\b", "{5}", "{5+}", "x) LOGOUT", "x\" LOGOUT", "NIL", "\"\"", "",
        "pässwörd", "密码", "a\tb", "~!@#$%^&*()_+`-=[]{}|;':,./<>?"})
    void loginSendsExactlyOneCommandThatDecodesToTheOriginal(String password) throws Exception {
        for (String user : List.of("alice", "ali ce\"\\", "jürgen")) {
            server.close();
            server = new RecordingImapServer();
            connect("IMAP4rev1");
            loop.submit(() -> client.login(utf8(user), utf8(password))).get().get(10, TimeUnit.SECONDS);
            byte[] got = received();
            List<byte[]> args = parseLogin(got);
            assertArrayEquals(utf8(user), args.get(0), "user of " + new String(got, StandardCharsets.UTF_8));
            assertArrayEquals(utf8(password), args.get(1), "password of " + new String(got, StandardCharsets.UTF_8));
            assertEquals(1, server.commands().size(), server.commands().toString());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"a\rb", "a\nb", "a\0b", "a\r\nA2 LOGOUT", "\n", "p\0"})
    void credentialsWithCrLfOrNulAreNeverSent(String bad) throws Exception {
        connect("IMAP4rev1 AUTH=PLAIN SASL-IR");
        Throwable asPassword = cause(loop.submit(() -> client.login(utf8("alice"), utf8(bad))).get());
        Throwable asUser = cause(loop.submit(() -> client.login(utf8(bad), utf8("secret"))).get());
        assertInstanceOf(IllegalArgumentException.class, asPassword);
        assertInstanceOf(IllegalArgumentException.class, asUser);
        assertEquals(0, received().length);
    }

    @Test
    void authenticatePlainWithSaslIrPutsTheResponseOnTheCommandLine() throws Exception {
        connect("IMAP4rev1 AUTH=PLAIN SASL-IR LOGINDISABLED");
        loop.submit(() -> client.login(utf8("alice"), utf8("pässwörd {5}"))).get().get(10, TimeUnit.SECONDS);
        String b64 = Base64.getEncoder().encodeToString(utf8("\0alice\0pässwörd {5}"));
        assertArrayEquals(utf8("A1 AUTHENTICATE PLAIN " + b64 + "\r\n"), received());
    }

    @Test
    void authenticatePlainWithoutSaslIrWaitsForTheContinuation() throws Exception {
        connect("IMAP4rev1 AUTH=PLAIN");
        loop.submit(() -> client.login(utf8("alice"), utf8("pässwörd"))).get().get(10, TimeUnit.SECONDS);
        String b64 = Base64.getEncoder().encodeToString(utf8("\0alice\0pässwörd"));
        assertArrayEquals(utf8("A1 AUTHENTICATE PLAIN\r\n" + b64 + "\r\n"), received());
    }

    @Test
    void commandsIssuedDuringAuthenticateWaitForItsAnswer() throws Exception {
        connect("IMAP4rev1 AUTH=PLAIN");
        List<Future<Void>> futures = loop.submit(() -> List.of(client.login(utf8("u"), utf8("p")), client.noop()))
                .get();
        for (Future<Void> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        String b64 = Base64.getEncoder().encodeToString(utf8("\0u\0p"));
        assertEquals(List.of("A1 AUTHENTICATE PLAIN\r\n", b64 + "\r\n", "A2 NOOP\r\n"), server.commands());
    }

    @Test
    void loginDisabledWithoutAuthPlainSendsNothing() throws Exception {
        connect("IMAP4rev1 LOGINDISABLED");
        Throwable cause = cause(loop.submit(() -> client.login(utf8("alice"), utf8("secret"))).get());
        assertEquals("LOGINDISABLED", assertInstanceOf(ImapException.Rejected.class, cause).responseCode());
        assertEquals(0, received().length);
    }

    private static final byte[] XOAUTH2 = utf8("user=alice@example.com\u0001auth=Bearer canary-token-123\u0001\u0001");

    @Test
    void xoauth2WithSaslIr() throws Exception {
        connect("IMAP4rev1 AUTH=XOAUTH2 SASL-IR");
        loop.submit(() -> client.authenticate("XOAUTH2", XOAUTH2)).get().get(10, TimeUnit.SECONDS);
        assertArrayEquals(utf8("A1 AUTHENTICATE XOAUTH2 " + Base64.getEncoder().encodeToString(XOAUTH2) + "\r\n"),
                received());
    }

    @Test
    void xoauth2WithoutSaslIr() throws Exception {
        connect("IMAP4rev1 AUTH=XOAUTH2");
        loop.submit(() -> client.authenticate("xoauth2", XOAUTH2)).get().get(10, TimeUnit.SECONDS);
        assertArrayEquals(utf8("A1 AUTHENTICATE XOAUTH2\r\n" + Base64.getEncoder().encodeToString(XOAUTH2) + "\r\n"),
                received());
    }

    @Test
    void xoauth2ErrorChallengeIsAnsweredWithAnEmptyLineAndFails() throws Exception {
        connect("IMAP4rev1 AUTH=XOAUTH2 SASL-IR");
        server.saslErrorChallenge = Base64.getEncoder().encodeToString(
                utf8("{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}"));
        Throwable cause = cause(loop.submit(() -> client.authenticate("XOAUTH2", XOAUTH2)).get());
        assertEquals("AUTHENTICATIONFAILED", assertInstanceOf(ImapException.Rejected.class, cause).responseCode());
        assertArrayEquals(utf8("A1 AUTHENTICATE XOAUTH2 " + Base64.getEncoder().encodeToString(XOAUTH2) + "\r\n\r\n"),
                received());
    }

    @Test
    void oauthbearerErrorChallengeIsAnsweredWithCtrlA() throws Exception {
        connect("IMAP4rev1 AUTH=OAUTHBEARER");
        server.saslErrorChallenge = Base64.getEncoder().encodeToString(utf8("{\"status\":\"invalid_token\"}"));
        byte[] response = utf8("n,a=alice,\u0001auth=Bearer tok\u0001\u0001");
        assertInstanceOf(ImapException.Rejected.class,
                cause(loop.submit(() -> client.authenticate("OAUTHBEARER", response)).get()));
        assertArrayEquals(utf8("A1 AUTHENTICATE OAUTHBEARER\r\n" + Base64.getEncoder().encodeToString(response)
                + "\r\nAQ==\r\n"), received());
    }

    @Test
    void unadvertisedMechanismSendsNothing() throws Exception {
        connect("IMAP4rev1 AUTH=PLAIN SASL-IR");
        assertInstanceOf(UnsupportedOperationException.class,
                cause(loop.submit(() -> client.authenticate("XOAUTH2", XOAUTH2)).get()));
        assertEquals(0, received().length);
    }

    /** Parses {@code A1 LOGIN <astring> <astring>CRLF} (quoted with escapes, literal or atom); nothing may follow. */
    static List<byte[]> parseLogin(byte[] wire) {
        byte[] prefix = utf8("A1 LOGIN ");
        assertArrayEquals(prefix, Arrays.copyOf(wire, prefix.length), new String(wire, StandardCharsets.UTF_8));
        int[] pos = {prefix.length};
        List<byte[]> args = new ArrayList<>();
        args.add(astring(wire, pos));
        assertEquals(' ', wire[pos[0]++]);
        args.add(astring(wire, pos));
        assertEquals('\r', wire[pos[0]++]);
        assertEquals('\n', wire[pos[0]++]);
        assertEquals(wire.length, pos[0], "octets after the LOGIN command: " + new String(wire, StandardCharsets.UTF_8));
        return args;
    }

    private static byte[] astring(byte[] wire, int[] pos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = pos[0];
        if (wire[p] == '"') {
            for (p++; wire[p] != '"'; p++) {
                byte b = wire[p];
                if (b == '\\') {
                    b = wire[++p];
                    assertEquals(true, b == '"' || b == '\\', "only \\\" and \\\\ may be escaped");
                }
                assertEquals(false, b == '\r' || b == '\n', "line end inside a quoted string");
                out.write(b);
            }
            pos[0] = p + 1;
        } else if (wire[p] == '{') {
            int close = p;
            while (wire[close] != '}') {
                close++;
            }
            String count = new String(wire, p + 1, close - p - 1, StandardCharsets.US_ASCII);
            int n = Integer.parseInt(count.endsWith("+") ? count.substring(0, count.length() - 1) : count);
            assertEquals('\r', wire[close + 1]);
            assertEquals('\n', wire[close + 2]);
            out.write(wire, close + 3, n);
            pos[0] = close + 3 + n;
        } else {
            while (p < wire.length && wire[p] != ' ' && wire[p] != '\r') {
                assertEquals(true, "(){%*\"\\]".indexOf(wire[p]) < 0 && wire[p] > ' ', "not an atom char");
                out.write(wire[p++]);
            }
            pos[0] = p;
        }
        return out.toByteArray();
    }
}
