package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.popbridge.testing.Pop3TestClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a session tells its {@link SessionObserver}, over a real socket. */
class SessionObserverTest {

    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final FakeProvider provider = new FakeProvider();
    private EventLoopGroup group;
    private Channel server;

    private final SessionObserver observer = new SessionObserver() {
        @Override
        public void sessionStarted() {
            open.incrementAndGet();
        }

        @Override
        public void sessionEnded() {
            open.decrementAndGet();
            events.add("end");
        }

        @Override
        public void login(FailureKind failure) {
            events.add("login " + failure);
        }

        @Override
        public void command(String verb, boolean ok, long nanos) {
            assertTrue(nanos >= 0);
            events.add(verb + " " + (ok ? "ok" : "err"));
        }

        @Override
        public void sent(long octets) {
            sent.addAndGet(octets);
        }
    };

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AuthOptions auth = new AuthOptions(false, true, List.of(), Duration.ZERO, 3, Set.of());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new Pop3ServerInitializer(Pop3Options.defaults().withAuth(auth), provider,
                        TlsMode.PLAIN, null, observer, null))
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void commandsLoginsAndOctetsAreObservedWithBoundedVerbs() throws Exception {
        provider.mailbox = new FakeMailbox(null).add("u1", "Subject: a\r\n\r\nhi\r\n");
        long received = 0;
        try (Pop3TestClient pop = new Pop3TestClient((InetSocketAddress) server.localAddress())) {
            received += pop.greeting.length() + 2;
            for (String line : List.of("USER bob", "PASS wrong", "USER bob", "PASS secret", "XYZZY 1",
                    "STAT", "DELE 1", "DELE 1", "QUIT")) {
                received += pop.command(line).length() + 2;
            }
            assertTrue(pop.closedByServer());
        }
        for (int i = 0; i < 500 && open.get() != 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, open.get());
        assertEquals(List.of("USER ok", "login AUTH", "PASS err", "USER ok", "login null", "PASS ok",
                "UNKNOWN err", "STAT ok", "DELE ok", "DELE err", "QUIT ok", "end"), List.copyOf(events));
        assertEquals(received, sent.get());
    }
}
