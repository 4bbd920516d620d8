package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * STLS and implicit TLS against real listeners on loopback: the plaintext-injection cases of
 * CVE-2021-38542 / CVE-2022-28220, CAPA before and after TLS, and the cleartext policy.
 */
class Pop3StlsTest {

    private static final String BEGIN_TLS = "+OK Begin TLS negotiation now.";

    private EventLoopGroup group;
    private final List<Channel> servers = new ArrayList<>();
    private final FakeProvider provider = new FakeProvider();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        provider.mailbox = new FakeMailbox(null).add("u1", "Subject: a\r\n\r\nhello\r\n");
    }

    @AfterEach
    void stop() {
        servers.forEach(c -> c.close().syncUninterruptibly());
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private InetSocketAddress listen(TlsMode mode, boolean trustLoopback) throws InterruptedException {
        Pop3Options options = new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 10, "popbridge",
                new AuthOptions(false, trustLoopback, List.of(), Duration.ZERO, 3, Set.of()));
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new Pop3ServerInitializer(options, provider, mode, Pop3TlsSupport::serverContext))
                .bind("127.0.0.1", 0).sync().channel();
        servers.add(server);
        return (InetSocketAddress) server.localAddress();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        s.connect(address);
        return s;
    }

    private static SSLSocket upgrade(Socket plain, InetSocketAddress address) throws Exception {
        X509Certificate trusted = Pop3TlsSupport.certificate().cert();
        SSLSocket tls = (SSLSocket) Pop3TlsSupport.clientContext(trusted).getSocketFactory()
                .createSocket(plain, "localhost", address.getPort(), true);
        tls.setSoTimeout(30_000);
        tls.startHandshake();
        return tls;
    }

    /** One line, read byte by byte so that nothing after it is consumed from the plain stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                throw new IOException("EOF after '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readMultiLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line; !(line = readLine(in)).equals(".");) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    @Test
    void commandPipelinedAfterStlsInTheSameSegmentIsNeverExecutedInsideTls() throws Exception {
        InetSocketAddress address = listen(TlsMode.PLAIN_STLS, true);
        try (Socket plain = connect(address)) {
            InputStream in = plain.getInputStream();
            assertEquals("+OK popbridge ready.", readLine(in));
            write(plain.getOutputStream(), "STLS\r\nCAPA\r\nUSER injected\r\n");
            assertEquals(BEGIN_TLS, readLine(in));
            try (SSLSocket tls = upgrade(plain, address)) {
                write(tls.getOutputStream(), "QUIT\r\n");
                // the first (and only) reply inside TLS answers QUIT, not the injected CAPA or USER
                String inside = new String(tls.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertEquals("+OK Logging out.\r\n", inside);
            }
        }
    }

    @Test
    void commandInjectedInPlaintextAfterTheStlsReplyAbortsTheHandshake() throws Exception {
        for (String[] split : List.of(new String[] {"STLS\r\n", "CAPA\r\n"}, new String[] {"STLS\r\nCA", "PA\r\n"})) {
            InetSocketAddress address = listen(TlsMode.PLAIN_STLS, true);
            try (Socket plain = connect(address)) {
                InputStream in = plain.getInputStream();
                assertEquals("+OK popbridge ready.", readLine(in));
                write(plain.getOutputStream(), split[0]);
                assertEquals(BEGIN_TLS, readLine(in));
                // the second segment reaches the server after its SslHandler is in place: not a TLS record
                write(plain.getOutputStream(), split[1]);
                plain.shutdownOutput(); // so that a short fragment is not left waiting for the handshake timeout
                String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertFalse(rest.contains("+OK"), rest);
            }
        }
    }

    @Test
    void capaIsRecomputedInsideTlsAndCredentialsWaitForIt() throws Exception {
        InetSocketAddress address = listen(TlsMode.PLAIN_STLS, false);
        try (Socket plain = connect(address)) {
            InputStream in = plain.getInputStream();
            OutputStream out = plain.getOutputStream();
            assertEquals("+OK popbridge ready.", readLine(in));
            write(out, "CAPA\r\n");
            assertEquals("+OK Capability list follows", readLine(in));
            assertEquals("TOP\nUIDL\nSTLS\nRESP-CODES\nAUTH-RESP-CODE\nPIPELINING\nIMPLEMENTATION popbridge\n",
                    readMultiLine(in));
            write(out, "USER bob\r\n");
            assertEquals(SaslCommands.PLAINTEXT_DISALLOWED, readLine(in));
            write(out, "STLS\r\n");
            assertEquals(BEGIN_TLS, readLine(in));
            try (SSLSocket tls = upgrade(plain, address)) {
                InputStream tin = tls.getInputStream();
                OutputStream tout = tls.getOutputStream();
                write(tout, "CAPA\r\n");
                assertEquals("+OK Capability list follows", readLine(tin));
                assertEquals("TOP\nUIDL\nUSER\nSASL PLAIN LOGIN\nRESP-CODES\nAUTH-RESP-CODE\nPIPELINING\n"
                        + "IMPLEMENTATION popbridge\n", readMultiLine(tin));
                write(tout, "STLS\r\n");
                assertEquals("-ERR TLS is already active.", readLine(tin));
                write(tout, "USER bob\r\nPASS secret\r\n");
                assertEquals("+OK", readLine(tin));
                assertEquals("+OK Logged in.", readLine(tin));
                assertTrue(provider.contexts.get(0).secure());
                write(tout, "STLS\r\n");
                assertEquals("-ERR Already logged in.", readLine(tin));
                write(tout, "QUIT\r\n");
                assertEquals("+OK Logging out.", readLine(tin));
            }
        }
    }

    @Test
    void implicitTlsListenerLogsInAndRetrieves() throws Exception {
        InetSocketAddress address = listen(TlsMode.IMPLICIT_TLS, false);
        X509Certificate trusted = Pop3TlsSupport.certificate().cert();
        try (SSLSocket tls = (SSLSocket) Pop3TlsSupport.clientContext(trusted).getSocketFactory()
                .createSocket(address.getAddress(), address.getPort())) {
            tls.setSoTimeout(30_000);
            write(tls.getOutputStream(), "CAPA\r\nSTLS\r\nAUTH PLAIN " + java.util.Base64.getEncoder()
                    .encodeToString("\0bob\0secret".getBytes(StandardCharsets.US_ASCII)) + "\r\nRETR 1\r\nQUIT\r\n");
            String transcript = new String(tls.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("+OK popbridge ready.\r\n"
                    + "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN LOGIN\r\nRESP-CODES\r\n"
                    + "AUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION popbridge\r\n.\r\n"
                    + "-ERR TLS is already active.\r\n"
                    + "+OK Logged in.\r\n"
                    + "+OK 21 octets\r\nSubject: a\r\n\r\nhello\r\n.\r\n"
                    + "+OK Logging out.\r\n", transcript);
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
        }
        assertTrue(provider.contexts.get(0).secure());
    }

    @Test
    void stlsIsNotOfferedOrAcceptedOnAPlainListener() throws Exception {
        InetSocketAddress address = listen(TlsMode.PLAIN, true);
        try (Socket plain = connect(address)) {
            InputStream in = plain.getInputStream();
            assertEquals("+OK popbridge ready.", readLine(in));
            write(plain.getOutputStream(), "STLS\r\nQUIT\r\n");
            assertEquals("-ERR STLS is not available.", readLine(in));
            assertEquals("+OK Logging out.", readLine(in));
        }
    }

    // ---- the same cases on an EmbeddedChannel, where the split is exact

    @Test
    void linesQueuedBehindALoginAreDroppedByStls() {
        Pop3SessionHarness h = new Pop3SessionHarness(Pop3SessionHarnessOptions.quick(), TlsMode.PLAIN_STLS,
                Pop3TlsSupport::serverContext).greeted();
        h.provider.defer = true;
        h.send("USER bob\r\nPASS wrong\r\nSTLS\r\nCAPA\r\nUSER injected\r\n");
        assertEquals("+OK\r\n", h.out());
        h.provider.complete(h.provider.seen.get(0));
        h.ch.runPendingTasks();
        assertEquals("-ERR [AUTH] Authentication failed.\r\n" + BEGIN_TLS + "\r\n", h.out());
        h.ch.finishAndReleaseAll();
    }

    @Test
    void plaintextAfterStlsInALaterReadNeverReachesTheSession() {
        for (String[] split : List.of(new String[] {"STLS\r\n", "CAPA\r\n"}, new String[] {"STLS\r\nCA", "PA\r\n"},
                new String[] {"STLS\r\nCAPA\r\n", ""})) {
            Pop3SessionHarness h = new Pop3SessionHarness(Pop3SessionHarnessOptions.quick(), TlsMode.PLAIN_STLS,
                    Pop3TlsSupport::serverContext).greeted();
            h.send(split[0]);
            assertEquals(BEGIN_TLS + "\r\n", h.out());
            if (!split[1].isEmpty()) {
                h.send(split[1]);
            }
            String after = h.out();
            assertFalse(after.contains("+OK") || after.contains("-ERR"), after);
            h.ch.finishAndReleaseAll();
        }
    }
}
