package io.popbridge.imap;

import static io.popbridge.imap.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ImapClient#moveTo}: a logged-in, selected connection handed from one event loop to
 * another (deregister, register) keeps working there, on both transports the client drives (NIO,
 * which popbridge's server uses, and epoll where available).
 */
class ImapClientMoveTest {

    private GreenMail greenMail;
    private MultiThreadIoEventLoopGroup group;
    private MultiThreadIoEventLoopGroup other;

    private void start(String transport) {
        boolean epoll = transport.equals("epoll");
        if (epoll) {
            assumeTrue(Epoll.isAvailable(), "epoll not available here");
        }
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        greenMail.start();
        greenMail.setUser("user@example.org", "user", "secret").deliver(GreenMailUtil.newMimeMessage(
                "From: a@example.org\r\nTo: user@example.org\r\nSubject: one\r\n\r\nbody one\r\n"));
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(2, factory);
        other = new MultiThreadIoEventLoopGroup(1, epoll ? NioIoHandler.newFactory()
                : Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    private ImapClient connectedAndSelected(EventLoop loop) throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
                8192, 1L << 24, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", greenMail.getImap().getPort(),
                UpstreamEndpoint.Security.PLAIN);
        ImapClient client = await(loop, () -> ImapClient.connect(loop, endpoint, options));
        await(loop, () -> client.login(bytes("user"), bytes("secret")));
        await(loop, () -> client.select("INBOX", false));
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void movedClientRunsCommandsOnItsNewLoop(String transport) throws Exception {
        start(transport);
        EventLoop a = group.next();
        EventLoop b = group.next();
        assertNotSame(a, b);
        ImapClient client = connectedAndSelected(a);

        client.moveTo(b).get(10, TimeUnit.SECONDS);

        java.util.concurrent.CompletableFuture<Boolean> onB = new java.util.concurrent.CompletableFuture<>();
        List<FetchedMessage> listing = await(b, () -> {
            Future<List<FetchedMessage>> f = client.uidFetch("1:*", List.of("UID", "RFC822.SIZE"));
            f.addListener(x -> onB.complete(b.inEventLoop()));
            return f;
        });
        assertEquals(1, listing.size());
        assertTrue(onB.get(10, TimeUnit.SECONDS), "futures complete on the new loop");
        TestSupport.Recorder body = new TestSupport.Recorder();
        assertEquals(1, await(b, () -> client.uidFetchBody(listing.get(0).uid(), "BODY.PEEK[TEXT]", body)));
        assertEquals("body one", body.body.toString(StandardCharsets.US_ASCII).trim());

        client.moveTo(a).get(10, TimeUnit.SECONDS); // and back again
        await(a, client::noop);
        assertTrue(client.isActive());
        await(a, client::logout);
        assertFalse(client.isActive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void moveToALoopOfAnotherTransportFailsAndLeavesTheClientWhereItWas(String transport) throws Exception {
        start(transport);
        EventLoop a = group.next();
        EventLoop foreign = other.next();
        assumeTrue(ImapClient.socketChannelFor(a) != ImapClient.socketChannelFor(foreign), "one transport only");
        ImapClient client = connectedAndSelected(a);

        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> client.moveTo(foreign).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        await(a, client::noop);
        assertTrue(client.isActive());
        a.submit(client::close).get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio"})
    void closedClientIsNotMoved(String transport) throws Exception {
        start(transport);
        EventLoop a = group.next();
        EventLoop b = group.next();
        ImapClient client = connectedAndSelected(a);
        await(a, client::logout);
        assertThrowsCause(() -> client.moveTo(b).get(10, TimeUnit.SECONDS));
    }

    private static void assertThrowsCause(org.junit.jupiter.api.function.Executable call) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, call);
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
