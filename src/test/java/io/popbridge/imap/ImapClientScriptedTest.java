package io.popbridge.imap;

import static io.popbridge.imap.TestSupport.await;
import static io.popbridge.imap.TestSupport.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImapClientScriptedTest {

    private static final String GREETING = "* OK [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n";

    private ScriptedServer server;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ImapClient client;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
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

    private ImapClient connect(String greeting, Duration commandTimeout) throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), commandTimeout, 1024, 1L << 20, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        server.accept(greeting);
        client = f.get(10, TimeUnit.SECONDS);
        return client;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "* BYE too many connections|Closed",
        "* PREAUTH [CAPABILITY IMAP4rev1] logged in|Protocol",
        "* 1 FETCH (UID 1)|Protocol",
        "A1 OK hello|Protocol"})
    void greetingOtherThanOkFailsTheConnect(String greeting, String failure) throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 1L << 20, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        server.accept(greeting + "\r\n");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.get(10, TimeUnit.SECONDS));
        assertEquals(failure, e.getCause().getClass().getSimpleName());
        assertTrue(server.clientClosed());
    }

    @Test
    void missingGreetingFailsTheConnectWithTimeout() throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofMillis(200), Duration.ofSeconds(5), 1024, 1L << 20,
                null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        server.accept("");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ImapException.Timeout.class, e.getCause());
        assertTrue(server.clientClosed());
    }

    @Test
    void greetingWithoutCapabilitiesIsFollowedByCapability() throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 1L << 20, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        server.accept("* OK ready\r\n");
        assertEquals("A1 CAPABILITY", server.readLine());
        server.send("* CAPABILITY IMAP4rev1 MOVE\r\nA1 OK done\r\n");
        client = f.get(10, TimeUnit.SECONDS);
        assertTrue(client.hasCapability("move"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\0", "x\r\nA9 LOGOUT"})
    void credentialsWithLineBreaksOrNulAreNeverSent(String bad) throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        byte[] b = bad.getBytes(StandardCharsets.UTF_8);
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(IllegalArgumentException.class, failure(loop, () -> client.login(b, ok)));
        assertInstanceOf(IllegalArgumentException.class, failure(loop, () -> client.login(ok, b)));
        Future<Void> noop = loop.submit(() -> client.noop()).get();
        assertEquals("A1 NOOP", server.readLine(), "the rejected logins sent nothing");
        server.send("A1 OK done\r\n");
        noop.get(10, TimeUnit.SECONDS);
    }

    @Test
    void selectReportsCountsCodesAndReadOnly() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        Future<SelectedMailbox> select = loop.submit(() -> client.select("Entwürfe", true)).get();
        assertEquals("A1 EXAMINE \"Entw&APw-rfe\"", server.readLine());
        server.send("* 172 EXISTS\r\n* 1 RECENT\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
                + "* OK [UIDNEXT 4392] Predicted next UID\r\n* FLAGS (\\Answered \\Seen $Label)\r\n"
                + "* OK [PERMANENTFLAGS (\\Seen \\*)] Limited\r\n* OK [HIGHESTMODSEQ 715194045007] x\r\n"
                + "* 3 FETCH (FLAGS (\\Seen))\r\nA1 OK [READ-ONLY] EXAMINE completed\r\n");
        SelectedMailbox box = select.get(10, TimeUnit.SECONDS);
        assertEquals(new SelectedMailbox(172, 3857529045L, 4392, java.util.Set.of("\\Answered", "\\Seen", "$Label"),
                java.util.Set.of("\\Seen", "\\*"), 715194045007L, true), box);
        assertTrue(box.allowsKeyword("$POP3Deleted"));
    }

    @Test
    void connectsOnAnEpollLoopWhereAvailable() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "epoll not available");
        MultiThreadIoEventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1,
                io.netty.channel.epoll.EpollIoHandler.newFactory());
        try {
            EventLoop epollLoop = epoll.next();
            ImapClientOptions options = ImapClientOptions.defaults();
            UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
            Future<ImapClient> f = epollLoop.submit(() -> ImapClient.connect(epollLoop, endpoint, options)).get();
            server.accept(GREETING);
            ImapClient c = f.get(10, TimeUnit.SECONDS);
            assertTrue(c.hasCapability("UIDPLUS"));
            epollLoop.submit(c::close).get();
        } finally {
            epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void throwingListenerFailsOnlyItsFetch() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        FetchBodyListener throwing = new FetchBodyListener() {
            @Override
            public void bodyStart(long size) {
            }

            @Override
            public void bodyChunk(io.netty.buffer.ByteBuf chunk) {
                chunk.release();
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void bodyEnd() {
            }
        };
        Future<Integer> fetch = loop.submit(() -> client.uidFetchBody(5, "BODY.PEEK[]", throwing)).get();
        server.readLine();
        server.send("* 1 FETCH (UID 5 BODY[] {6}\r\nabc");
        server.send("def)\r\nA1 OK done\r\n");
        assertInstanceOf(IllegalStateException.class, failure(loop, () -> fetch));
        Future<Void> noop = loop.submit(() -> client.noop()).get();
        assertEquals("A2 NOOP", server.readLine());
        server.send("A2 OK done\r\n");
        noop.get(10, TimeUnit.SECONDS);
    }

    @Test
    void silentServerFailsThePendingCommandWithTimeout() throws Exception {
        connect(GREETING, Duration.ofMillis(200));
        Future<Void> noop = loop.submit(() -> client.noop()).get();
        assertEquals("A1 NOOP", server.readLine());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> noop.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ImapException.Timeout.class, e.getCause());
        assertTrue(server.clientClosed());
    }

    @Test
    void pausedReadingSuspendsTheCommandTimeout() throws Exception {
        connect(GREETING, Duration.ofMillis(100));
        Future<Void> noop = loop.submit(() -> {
            client.setAutoRead(false);
            return client.noop();
        }).get();
        assertEquals("A1 NOOP", server.readLine());
        server.send("A1 OK done\r\n");
        Thread.sleep(500); // several command timeouts pass while reading is paused
        assertFalse(noop.isDone(), "paused: neither read nor timed out");
        loop.submit(() -> client.setAutoRead(true)).get();
        noop.get(10, TimeUnit.SECONDS);
    }

    @Test
    void logoutClosesTheConnection() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        Future<Void> logout = loop.submit(() -> client.logout()).get();
        assertEquals("A1 LOGOUT", server.readLine());
        server.send("* BYE see you\r\nA1 OK bye\r\n");
        logout.get(10, TimeUnit.SECONDS);
        assertTrue(server.clientClosed());
        assertInstanceOf(ImapException.Closed.class, failure(loop, () -> client.noop()));
    }

    @Test
    void closeMidLiteralFailsTheFetchWithClosedWithoutBodyEnd() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        TestSupport.Recorder recorder = new TestSupport.Recorder();
        Future<Integer> fetch = loop.submit(() -> client.uidFetchBody(5, "BODY.PEEK[]", recorder)).get();
        assertEquals("A1 UID FETCH 5 (UID BODY.PEEK[])", server.readLine());
        server.send("* 1 FETCH (UID 5 BODY[] {100}\r\n0123456789");
        server.closeConnection();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> fetch.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ImapException.Closed.class, e.getCause());
        assertEquals(List.of("start 100", "chunk"), recorder.events());
        assertEquals("0123456789", recorder.body.toString(StandardCharsets.US_ASCII));
        await(loop, () -> client.closeFuture());
    }

    @Test
    void synchronizingLiteralWaitsForContinuationAndHoldsBackLaterCommands() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        var futures = loop.submit(() -> List.of(client.login("Jürgen".getBytes(StandardCharsets.UTF_8),
                "pw".getBytes(StandardCharsets.UTF_8)), client.noop())).get();
        assertEquals("A1 LOGIN {7}", server.readLine());
        Thread.sleep(100); // give a wrong client the chance to send early
        assertEquals(0, server.available(), "nothing may follow a synchronizing literal marker before '+'");
        server.send("+ go ahead\r\n");
        assertEquals("Jürgen \"pw\"", server.readLine());
        assertEquals("A2 NOOP", server.readLine());
        server.send("A1 OK [CAPABILITY IMAP4rev1 UIDPLUS MOVE] welcome\r\nA2 OK done\r\n");
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertTrue(client.hasCapability("MOVE"));
    }

    @Test
    void twoSynchronizingLiteralsEachWaitForTheirContinuation() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        Future<Void> login = loop.submit(() -> client.login("ü".getBytes(StandardCharsets.UTF_8),
                "ö".getBytes(StandardCharsets.UTF_8))).get();
        assertEquals("A1 LOGIN {2}", server.readLine());
        server.send("+ go\r\n");
        assertEquals("ü {2}", server.readLine());
        server.send("+ go\r\n");
        assertEquals("ö", server.readLine());
        server.send("A1 OK [CAPABILITY IMAP4rev1] welcome\r\n");
        login.get(10, TimeUnit.SECONDS);
    }

    @Test
    void rejectedLiteralReleasesHeldCommands() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        var futures = loop.submit(() -> List.of(client.login("ü".getBytes(StandardCharsets.UTF_8),
                "pw".getBytes(StandardCharsets.UTF_8)), client.noop())).get();
        assertEquals("A1 LOGIN {2}", server.readLine());
        server.send("A1 NO literal refused\r\n");
        assertEquals("A2 NOOP", server.readLine());
        server.send("A2 OK done\r\n");
        assertInstanceOf(ImapException.Rejected.class, failure(loop, () -> futures.get(0)));
        futures.get(1).get(10, TimeUnit.SECONDS);
    }

    @Test
    void literalPlusIsSentWithoutWaiting() throws Exception {
        connect("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n", Duration.ofSeconds(10));
        Future<Void> login = loop.submit(() -> client.login("Jürgen".getBytes(StandardCharsets.UTF_8),
                "pw".getBytes(StandardCharsets.UTF_8))).get();
        assertEquals("A1 LOGIN {7+}", server.readLine());
        assertEquals("Jürgen \"pw\"", server.readLine());
        server.send("A1 OK [CAPABILITY IMAP4rev1] welcome\r\n");
        login.get(10, TimeUnit.SECONDS);
    }

    @Test
    void rejectedLoginCarriesTheResponseCode() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        Future<Void> login = loop.submit(() -> client.login("u".getBytes(StandardCharsets.UTF_8),
                "p".getBytes(StandardCharsets.UTF_8))).get();
        assertEquals("A1 LOGIN \"u\" \"p\"", server.readLine());
        server.send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> login.get(10, TimeUnit.SECONDS));
        ImapException.Rejected r = assertInstanceOf(ImapException.Rejected.class, e.getCause());
        assertEquals("AUTHENTICATIONFAILED", r.responseCode());
    }

    @Test
    void unsolicitedFetchDoesNotConfuseABodyFetch() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        TestSupport.Recorder recorder = new TestSupport.Recorder();
        Future<Integer> fetch = loop.submit(() -> client.uidFetchBody(5, "BODY.PEEK[]", recorder)).get();
        server.readLine();
        server.send("* 3 FETCH (FLAGS (\\Seen))\r\n* 1 FETCH (UID 5 BODY[] {3}\r\nabc)\r\n* 4 EXPUNGE\r\nA1 OK done\r\n");
        assertEquals(1, fetch.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("start 3", "chunk", "end"), recorder.events());
    }

    @Test
    void byeFailsPendingCommandsWithClosed() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        Future<Void> noop = loop.submit(() -> client.noop()).get();
        server.readLine();
        server.send("* BYE shutting down\r\n");
        Throwable t = failure(loop, () -> noop);
        assertInstanceOf(ImapException.Closed.class, t);
    }

    @Test
    void protocolErrorFailsPendingAndCloses() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        Future<Void> noop = loop.submit(() -> client.noop()).get();
        server.readLine();
        server.send("* 1 FETCH (BODY[] {x}\r\n");
        assertInstanceOf(ImapException.Protocol.class, failure(loop, () -> noop));
        assertTrue(server.clientClosed());
    }

    @Test
    void moveWithoutCapabilityFailsWithoutSending() throws Exception {
        connect(GREETING, Duration.ofSeconds(10));
        assertInstanceOf(UnsupportedOperationException.class, failure(loop, () -> client.uidMove("1", "Trash")));
        Future<Void> noop = loop.submit(() -> client.noop()).get();
        assertEquals("A1 NOOP", server.readLine());
        server.send("A1 OK done\r\n");
        noop.get(10, TimeUnit.SECONDS);
    }

    @Test
    void starttlsIsRequiredWhenConfigured() throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 1L << 20,
                io.netty.handler.ssl.SslContextBuilder.forClient().build());
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.STARTTLS);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        server.accept(GREETING);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ImapException.Insecure.class, e.getCause());
        assertTrue(server.clientClosed());
    }
}
