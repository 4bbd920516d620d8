package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** PROXY protocol v1/v2 on a real listener, driven by a plain socket playing the proxy. */
class ProxyProtocolTest {

    private static final CidrRange LOOPBACK = CidrRange.parse("127.0.0.0/8");

    private EventLoopGroup group;
    private Channel server;
    private final ConcurrentLinkedQueue<SessionContext> contexts = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
    private final SessionObserver observer = new SessionObserver() {
        @Override
        public void connectionRefused(String reason) {
            refused.add(reason);
        }
    };
    private final ListAppender<ILoggingEvent> sessionLog = new ListAppender<>();
    private final Logger sessionLogger = (Logger) LoggerFactory.getLogger("io.popbridge.session");

    /** Opens an empty mailbox for password "secret", remembering the session context. */
    private final MailboxProvider provider = new MailboxProvider() {
        @Override
        public Future<Mailbox> open(Credentials credentials, SessionContext context) {
            contexts.add(context);
            boolean ok = new String(credentials.password(), StandardCharsets.UTF_8).equals("secret");
            return ok ? context.eventLoop().newSucceededFuture(new FakeMailbox(context.eventLoop()))
                    : context.eventLoop().newFailedFuture(new MailboxException(FailureKind.AUTH, "bad password"));
        }
    };

    @BeforeEach
    void captureSessionLog() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        sessionLog.start();
        sessionLogger.addAppender(sessionLog);
    }

    @AfterEach
    void stop() {
        sessionLogger.detachAppender(sessionLog);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A listener taking PROXY headers from {@code proxies}; cleartext logins from {@code clientNetworks}. */
    private InetSocketAddress listen(List<CidrRange> proxies, List<CidrRange> clientNetworks) throws Exception {
        return listen(proxies, clientNetworks, Pop3Options.defaults().loginTimeout());
    }

    private InetSocketAddress listen(List<CidrRange> proxies, List<CidrRange> clientNetworks, Duration loginTimeout)
            throws Exception {
        return listen(proxies, clientNetworks, loginTimeout, TlsMode.PLAIN);
    }

    private InetSocketAddress listen(List<CidrRange> proxies, List<CidrRange> clientNetworks, Duration loginTimeout,
            TlsMode mode) throws Exception {
        AuthOptions auth = new AuthOptions(false, true, clientNetworks, Duration.ZERO, 3, Set.of());
        Pop3Options d = Pop3Options.defaults();
        Pop3Options options = new Pop3Options(d.maxLineLength(), d.idleTimeout(), loginTimeout, d.maxBadCommands(),
                d.implementation(), auth);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new Pop3ServerInitializer(options, provider, mode,
                        mode == TlsMode.PLAIN ? null : Pop3TlsSupport::serverContext, observer, proxies))
                .bind("127.0.0.1", 0).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(30_000);
        socket.connect(address);
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed after '" + line + "'");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).replaceAll("\r$", "");
    }

    private static String command(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return readLine(s.getInputStream());
    }

    /** A v2 PROXY header for TCP over IPv4 from {@code source}:{@code port}. */
    static byte[] v2Header(byte[] source, int port) {
        ByteBuffer b = ByteBuffer.allocate(16 + 12);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) 0x21); // version 2, PROXY
        b.put((byte) 0x11); // AF_INET, STREAM
        b.putShort((short) 12);
        b.put(source);
        b.put(new byte[] {(byte) 192, 0, 2, 1});
        b.putShort((short) port);
        b.putShort((short) 110);
        return b.array();
    }

    private void logInAndQuit(Socket s) throws IOException {
        assertTrue(readLine(s.getInputStream()).startsWith("+OK"), "greeting after the header");
        assertEquals("+OK", command(s, "USER bob").substring(0, 3));
        assertTrue(command(s, "PASS secret").startsWith("+OK"));
        assertTrue(command(s, "QUIT").startsWith("+OK"));
        assertEquals(-1, s.getInputStream().read());
    }

    @Test
    void v1HeaderFromTrustedProxySetsTheClientAddress() throws Exception {
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of(CidrRange.parse("192.0.2.0/24")));
        try (Socket s = connect(address)) {
            s.getOutputStream().write("PROXY TCP4 192.0.2.7 192.0.2.1 40000 110\r\n".getBytes(StandardCharsets.US_ASCII));
            logInAndQuit(s);
        }
        assertEquals(new InetSocketAddress("192.0.2.7", 40000), contexts.peek().clientAddress());
        awaitSessionEnd();
        assertTrue(sessionLog.list.get(0).getFormattedMessage().contains("client=/192.0.2.7:40000"),
                sessionLog.list.get(0).getFormattedMessage());
    }

    @Test
    void v2HeaderFromTrustedProxySetsTheClientAddress() throws Exception {
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of(CidrRange.parse("198.51.100.0/24")));
        try (Socket s = connect(address)) {
            s.getOutputStream().write(v2Header(new byte[] {(byte) 198, 51, 100, 9}, 5555));
            logInAndQuit(s);
        }
        assertEquals(new InetSocketAddress("198.51.100.9", 5555), contexts.peek().clientAddress());
    }

    @Test
    void bytesAfterTheHeaderInTheSameSegmentAreNotLost() throws Exception {
        // a balancer forwards the client's first bytes right behind the header (a TLS ClientHello
        // on an implicit-TLS listener; here a pipelined command)
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of());
        try (Socket s = connect(address)) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(v2Header(new byte[] {(byte) 198, 51, 100, 9}, 5555));
            both.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(both.toByteArray());
            assertTrue(readLine(s.getInputStream()).startsWith("+OK"), "greeting");
            assertEquals("-ERR Not logged in.", readLine(s.getInputStream()));
        }
    }

    @Test
    void implicitTlsFollowsTheHeader() throws Exception {
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of(), Duration.ofMinutes(1), TlsMode.IMPLICIT_TLS);
        try (Socket plain = connect(address)) {
            plain.getOutputStream().write("PROXY TCP6 2001:db8::7 2001:db8::1 40000 995\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) Pop3TlsSupport
                    .clientContext(Pop3TlsSupport.certificate().cert()).getSocketFactory()
                    .createSocket(plain, "localhost", address.getPort(), true)) {
                logInAndQuit(tls);
            }
        }
        SessionContext context = contexts.peek();
        assertEquals(new InetSocketAddress("2001:db8::7", 40000), context.clientAddress());
        assertTrue(context.secure());
    }

    @Test
    void proxiedLoopbackAddressIsNotTrustedForCleartext() throws Exception {
        // trust-loopback is on, but 127.0.0.1 in a header is the proxy's word about its own peer
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of());
        try (Socket s = connect(address)) {
            s.getOutputStream().write("PROXY TCP4 127.0.0.1 127.0.0.1 40000 110\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readLine(s.getInputStream()).startsWith("+OK"));
            assertTrue(command(s, "USER bob").startsWith("-ERR"));
        }
        assertTrue(contexts.isEmpty());
    }

    @Test
    void connectionFromUntrustedAddressIsClosedWithoutGreeting() throws Exception {
        InetSocketAddress address = listen(List.of(CidrRange.parse("192.0.2.0/24")), List.of());
        try (Socket s = connect(address)) {
            s.getOutputStream().write("PROXY TCP4 192.0.2.7 192.0.2.1 40000 110\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, s.getInputStream().read(), "closed, and not a byte sent");
        }
        assertEquals(List.of("untrusted_proxy"), List.copyOf(refused));
    }

    @Test
    void malformedHeaderClosesWithoutGreeting() throws Exception {
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of());
        for (String header : List.of("PROXY TCP4 nonsense\r\n", "USER bob@example.com\r\n", "PROXY TCP4 192.0.2.7 192.0.2.1 99999 110\r\n")) {
            try (Socket s = connect(address)) {
                OutputStream out = s.getOutputStream();
                out.write(header.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals(-1, s.getInputStream().read(), header);
            }
        }
        assertTrue(contexts.isEmpty());
        // Netty's decoder closes before it throws: the count may trail the client's EOF a little
        for (int i = 0; i < 500 && refused.size() < 3; i++) {
            Thread.sleep(10);
        }
        assertEquals(List.of("bad_proxy_header", "bad_proxy_header", "bad_proxy_header"), List.copyOf(refused));
    }

    @Test
    void connectionWithoutCompleteHeaderIsClosedAfterTheLoginTimeout() throws Exception {
        InetSocketAddress address = listen(List.of(LOOPBACK), List.of(), Duration.ofMillis(200));
        try (Socket s = connect(address)) {
            s.getOutputStream().write("PROXY TCP4".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, s.getInputStream().read());
        }
        assertTrue(contexts.isEmpty());
        assertEquals(List.of("bad_proxy_header"), List.copyOf(refused));
    }

    @Test
    void listenerWithoutProxyTreatsProxyLineAsUnknownCommand() throws Exception {
        InetSocketAddress address = listen(null, List.of());
        try (Socket s = connect(address)) {
            assertTrue(readLine(s.getInputStream()).startsWith("+OK"));
            assertEquals("-ERR Unknown command: PROXY", command(s, "PROXY TCP4 192.0.2.7 192.0.2.1 40000 110"));
        }
    }

    @Test
    void emptyTrustedNetworksAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Pop3ServerInitializer(Pop3Options.defaults(), provider, TlsMode.PLAIN, null,
                        SessionObserver.NONE, List.of()));
        assertTrue(e.getMessage().startsWith("trustedProxies"), e.getMessage());
    }

    private void awaitSessionEnd() throws InterruptedException {
        // the session line is logged when the server side sees the close; the client saw EOF first
        for (int i = 0; i < 500 && sessionLog.list.isEmpty(); i++) {
            Thread.sleep(10);
        }
    }
}
