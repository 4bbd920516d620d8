package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connection and session limits, on embedded channels sharing one {@link ConnectionLimits}. */
class Pop3LimitsTest {

    private static final String GREETING = "+OK popbridge ready.\r\n";
    private static final String TOO_MANY = "-ERR [SYS/TEMP] Too many connections.\r\n";

    private static Pop3Options options(LimitOptions limits) {
        // cleartext allowed: a client address set as from a PROXY header is not loopback-trusted
        AuthOptions auth = new AuthOptions(true, true, List.of(), Duration.ZERO, 3, java.util.Set.of());
        return new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 100, "popbridge", auth, limits);
    }

    /** One client connection: an embedded channel whose client address is {@code client} (null: not an IP). */
    private static final class Client {
        final FakeProvider provider = new FakeProvider();
        final EmbeddedChannel ch;

        Client(Pop3Options options, ConnectionLimits limits, SocketAddress client) {
            this(options, limits, client, SessionObserver.NONE);
        }

        Client(Pop3Options options, ConnectionLimits limits, SocketAddress client, SessionObserver observer) {
            Pop3ServerInitializer initializer = new Pop3ServerInitializer(options, provider, TlsMode.PLAIN, null,
                    observer, null, limits);
            ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                    if (client != null) {
                        c.attr(ClientAddress.PROXIED).set(client);
                    }
                    initializer.configure(c);
                }
            });
            provider.mailbox = new FakeMailbox(ch.eventLoop());
        }

        String send(String line) {
            ch.writeInbound(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.ISO_8859_1));
            return out();
        }

        String out() {
            ch.runPendingTasks();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (ByteBuf b; (b = ch.readOutbound()) != null;) {
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                bytes.writeBytes(a);
                b.release();
            }
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }

        void login(String user, String expected) {
            assertEquals("+OK\r\n", send("USER " + user));
            assertEquals(expected, send("PASS secret"));
        }

        void closeNow() {
            ch.close();
            ch.runPendingTasks();
        }
    }

    private static InetSocketAddress address(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    @Test
    void perAddressLimitRefusesExactlyTheNextConnectionAndFreesOnClose() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(100, 2, 10, Duration.ZERO, false));
        Pop3Options options = options(limits.options());
        InetSocketAddress a = address("192.0.2.1");
        Client first = new Client(options, limits, a);
        Client second = new Client(options, limits, a);
        assertEquals(GREETING, first.out());
        assertEquals(GREETING, second.out());
        Client third = new Client(options, limits, a);
        assertEquals(TOO_MANY, third.out());
        assertFalse(third.ch.isActive(), "refused before any command");
        assertEquals(2, limits.connections(a.getAddress()));
        // another address is not affected
        Client other = new Client(options, limits, address("192.0.2.2"));
        assertEquals(GREETING, other.out());
        first.closeNow();
        assertEquals(1, limits.connections(a.getAddress()));
        Client again = new Client(options, limits, a);
        assertEquals(GREETING, again.out());
        second.closeNow();
        again.closeNow();
        other.closeNow();
        assertEquals(0, limits.connections(a.getAddress()));
        assertEquals(0, limits.connections());
    }

    @Test
    void overallLimitCountsEveryAddressAndEveryInitializer() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(3, 50, 10, Duration.ZERO, false));
        Pop3Options options = options(limits.options());
        List<Client> open = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Client c = new Client(options, limits, i == 3 ? null : address("198.51.100." + i));
            assertEquals(GREETING, c.out());
            open.add(c);
        }
        Client fourth = new Client(options, limits, address("198.51.100.9"));
        assertEquals(TOO_MANY, fourth.out());
        assertFalse(fourth.ch.isActive());
        assertEquals(3, limits.connections());
        assertEquals(0, limits.connections(InetAddress.getByName("198.51.100.9")), "a refusal holds nothing");
        open.get(2).closeNow();
        Client fifth = new Client(options, limits, address("198.51.100.9"));
        assertEquals(GREETING, fifth.out());
    }

    @Test
    void aRefusedConnectionIsReportedAsRefusedNotAsASession() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(1, 50, 10, Duration.ZERO, false));
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        SessionObserver observer = new SessionObserver() {
            @Override
            public void sessionStarted() {
                events.add("started");
            }

            @Override
            public void sessionEnded() {
                events.add("ended");
            }

            @Override
            public void connectionRefused(String reason) {
                events.add("refused " + reason);
            }
        };
        Pop3Options options = options(limits.options());
        Client first = new Client(options, limits, null, observer);
        assertEquals(GREETING, first.out());
        Client second = new Client(options, limits, null, observer);
        assertEquals(TOO_MANY, second.out());
        second.ch.runPendingTasks();
        assertFalse(second.ch.isActive());
        assertEquals(List.of("started", "refused too_many_connections"), events);
        first.closeNow();
        assertEquals(List.of("started", "refused too_many_connections", "ended"), events);
    }

    @Test
    void perUserLimitAnswersInUseBeforeOpeningAndFreesWhenASessionEnds() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(100, 50, 2, Duration.ZERO, false));
        Pop3Options options = options(limits.options());
        Client one = new Client(options, limits, address("203.0.113.1"));
        Client two = new Client(options, limits, address("203.0.113.2"));
        Client three = new Client(options, limits, address("203.0.113.3"));
        one.out();
        two.out();
        three.out();
        one.login("bob", "+OK Logged in.\r\n");
        two.login("BOB", "+OK Logged in.\r\n"); // case-insensitive: the same user
        three.login("Bob", "-ERR [IN-USE] Too many sessions for this user.\r\n");
        assertTrue(three.provider.seen.isEmpty(), "the mailbox was not opened");
        assertTrue(three.ch.isActive(), "the client may try again later");
        assertEquals(2, limits.sessions("bob"));
        // a different user is not affected
        Client alice = new Client(options, limits, address("203.0.113.4"));
        alice.out();
        alice.login("alice", "+OK Logged in.\r\n");
        // QUIT frees the slot
        assertEquals("+OK Logging out.\r\n", one.send("QUIT"));
        one.ch.runPendingTasks();
        assertFalse(one.ch.isActive());
        assertEquals(1, limits.sessions("bob"));
        three.login("bob", "+OK Logged in.\r\n");
        // a dropped connection frees it too
        two.closeNow();
        three.closeNow();
        assertEquals(0, limits.sessions("bob"));
    }

    @Test
    void perUserAndAddressLimitRefusesOnlyThatAddressWithInUse() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(100, 50, 10, Duration.ZERO, false, 2));
        Pop3Options options = options(limits.options());
        Client one = new Client(options, limits, address("203.0.113.7"));
        Client two = new Client(options, limits, address("203.0.113.7"));
        Client three = new Client(options, limits, address("203.0.113.7"));
        Client elsewhere = new Client(options, limits, address("203.0.113.8"));
        one.out();
        two.out();
        three.out();
        elsewhere.out();
        one.login("bob", "+OK Logged in.\r\n");
        two.login("Bob", "+OK Logged in.\r\n");
        three.login("bob", "-ERR [IN-USE] Too many sessions for this user.\r\n");
        assertTrue(three.provider.seen.isEmpty(), "the mailbox was not opened");
        elsewhere.login("bob", "+OK Logged in.\r\n"); // another address has its own count
        InetAddress seven = InetAddress.getByName("203.0.113.7");
        assertEquals(2, limits.sessions("bob", seven));
        assertEquals(3, limits.sessions("bob"), "the refused login holds no per-user slot either");
        one.closeNow();
        assertEquals(1, limits.sessions("bob", seven));
        three.login("bob", "+OK Logged in.\r\n");
        two.closeNow();
        three.closeNow();
        elsewhere.closeNow();
        assertEquals(0, limits.sessions("bob", seven));
        assertEquals(0, limits.sessions("bob"));
    }

    @Test
    void failedLoginDoesNotHoldASessionSlot() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(100, 50, 1, Duration.ZERO, false));
        Client c = new Client(options(limits.options()), limits, address("203.0.113.5"));
        c.out();
        assertEquals("+OK\r\n", c.send("USER bob"));
        assertEquals("-ERR [AUTH] Authentication failed.\r\n", c.send("PASS wrong"));
        assertEquals(0, limits.sessions("bob"));
        c.login("bob", "+OK Logged in.\r\n");
        assertEquals(1, limits.sessions("bob"));
    }

    @Test
    void loginDeadlineClosesAClientThatKeepsSendingCommands() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(100, 50, 10, Duration.ofSeconds(30), false));
        Client c = new Client(options(limits.options()), limits, address("203.0.113.6"));
        assertEquals(GREETING, c.out());
        for (int i = 0; i < 5; i++) {
            c.ch.advanceTimeBy(5, TimeUnit.SECONDS); // well within the 1-minute inactivity timeout
            assertTrue(c.send(i % 2 == 0 ? "NOOP" : "CAPA").startsWith(i % 2 == 0 ? "-ERR" : "+OK"));
        }
        c.ch.advanceTimeBy(4, TimeUnit.SECONDS); // 29 s: still open
        c.ch.runScheduledPendingTasks();
        assertTrue(c.ch.isActive());
        assertEquals("+OK\r\n", c.send("USER bob"));
        c.ch.advanceTimeBy(1, TimeUnit.SECONDS); // 30 s
        c.ch.runScheduledPendingTasks();
        assertEquals("-ERR [SYS/TEMP] Disconnected: not logged in in time.\r\n", c.out());
        c.ch.runPendingTasks();
        assertFalse(c.ch.isActive());
        assertEquals(0, limits.connections());
    }

    @Test
    void loginDeadlineDoesNotApplyAfterLogin() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new LimitOptions(100, 50, 10, Duration.ofSeconds(30), false));
        Client c = new Client(options(limits.options()), limits, address("203.0.113.7"));
        c.out();
        c.login("bob", "+OK Logged in.\r\n");
        c.ch.advanceTimeBy(1, TimeUnit.MINUTES);
        c.ch.runScheduledPendingTasks();
        assertTrue(c.ch.isActive());
        assertEquals("+OK 0 0\r\n", c.send("STAT"));
    }

    /** A clock for the penalty's memory; moved by the test only. */
    private static final class FakeTicker implements com.github.benmanes.caffeine.cache.Ticker {
        long nanos;

        @Override
        public long read() {
            return nanos;
        }
    }

    /** Sends a wrong password and returns the seconds (of embedded time) until the reply appeared. */
    private static int failedLoginDelaySeconds(Client c) {
        assertEquals("+OK\r\n", c.send("USER bob"));
        assertEquals("", c.send("PASS wrong"), "the reply waits");
        for (int s = 1; s <= 60; s++) {
            c.ch.advanceTimeBy(1, TimeUnit.SECONDS);
            c.ch.runScheduledPendingTasks();
            String out = c.out();
            if (!out.isEmpty()) {
                assertEquals("-ERR [AUTH] Authentication failed.\r\n", out);
                return s;
            }
        }
        throw new AssertionError("no reply");
    }

    @Test
    void penaltyGrowsPerAddressAcrossConnectionsAndResetsAfterSuccess() throws Exception {
        FakeTicker ticker = new FakeTicker();
        LimitOptions limitOptions = new LimitOptions(100, 50, 10, Duration.ZERO, true);
        ConnectionLimits limits = new ConnectionLimits(limitOptions, new AuthPenalty(ticker));
        Pop3Options options = options(limitOptions);
        InetSocketAddress a = address("192.0.2.50");
        Client first = new Client(options, limits, a);
        first.out();
        assertEquals(2, failedLoginDelaySeconds(first));
        assertEquals(4, failedLoginDelaySeconds(first));
        assertEquals(8, failedLoginDelaySeconds(first)); // the 3rd failure closes this connection
        first.ch.runPendingTasks();
        assertFalse(first.ch.isActive());
        // a new connection from the same address keeps the penalty; another address has none
        Client second = new Client(options, limits, a);
        second.out();
        assertEquals(15, failedLoginDelaySeconds(second));
        assertEquals(15, failedLoginDelaySeconds(second), "capped at 15 s");
        Client other = new Client(options, limits, address("192.0.2.51"));
        other.out();
        assertEquals(2, failedLoginDelaySeconds(other));
        // a success resets it
        second.login("bob", "+OK Logged in.\r\n");
        Client third = new Client(options, limits, a);
        third.out();
        assertEquals(2, failedLoginDelaySeconds(third));
        assertEquals(4, failedLoginDelaySeconds(third));
        // and so do 5 minutes without failures
        ticker.nanos += AuthPenalty.FORGET_AFTER.toNanos();
        assertEquals(2, failedLoginDelaySeconds(third));
    }

    @Test
    void penaltyNeverShortensTheConfiguredDelayAndCanBeOff() throws Exception {
        LimitOptions off = new LimitOptions(100, 50, 10, Duration.ZERO, false);
        ConnectionLimits limits = new ConnectionLimits(off);
        AuthOptions auth = new AuthOptions(true, true, List.of(), Duration.ofSeconds(3), 5, java.util.Set.of());
        Pop3Options options = new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 100, "popbridge",
                auth, off);
        Client c = new Client(options, limits, address("192.0.2.60"));
        c.out();
        assertEquals(3, failedLoginDelaySeconds(c));
        assertEquals(3, failedLoginDelaySeconds(c));
        // 1st failure: a 2 s penalty, but the configured 3 s is longer
        assertEquals(Duration.ofSeconds(3),
                new AuthPenalty().failed(InetAddress.getByName("192.0.2.99"), Duration.ofSeconds(3)));
    }

    @Test
    void optionsNameTheSettingOutOfRange() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LimitOptions(0, 1, 1, Duration.ZERO, false)).getMessage().startsWith("maxConnections"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LimitOptions(1, 0, 1, Duration.ZERO, false)).getMessage().startsWith("maxConnectionsPerAddress"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LimitOptions(1, 1, 0, Duration.ZERO, false)).getMessage().startsWith("maxSessionsPerUser"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LimitOptions(1, 1, 1, Duration.ofSeconds(-1), true)).getMessage().startsWith("loginDeadline"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LimitOptions(1, 1, 1, Duration.ZERO, true, 0)).getMessage()
                .startsWith("maxSessionsPerUserAndAddress"));
    }
}
