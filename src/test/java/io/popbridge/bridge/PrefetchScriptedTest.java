package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RETR prefetch against a scripted IMAP upstream that records the order of what it receives and
 * can stop, stall or drop in the middle of the prefetched body.
 */
class PrefetchScriptedTest {

    /** What the server does with the body fetch of one UID. */
    enum Body { WHOLE, HALF_THEN_DROP, HALF_WAIT_THEN_DROP, HALF_WAIT_THEN_REST }

    /** One-connection scripted IMAP server; UID n is message n. */
    static final class Server implements AutoCloseable {
        final ServerSocket listener;
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<byte[]> messages;
        final Map<Long, Body> bodies = new ConcurrentHashMap<>();
        /** Listed sizes that differ from the real ones (a lying RFC822.SIZE). */
        final Map<Long, Integer> listedSizes = new ConcurrentHashMap<>();
        final CountDownLatch halfSent = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread thread;

        Server(List<byte[]> messages) throws IOException {
            this.messages = messages;
            listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            thread = new Thread(this::serve, "prefetch-script");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        void serve() {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(20_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                send(out, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] hi\r\n");
                for (String line; (line = ScriptedUpstreamTest.Script.readLine(in)) != null;) {
                    String tag = line.substring(0, line.indexOf(' '));
                    String rest = line.substring(tag.length() + 1);
                    events.add(rest);
                    if (rest.startsWith("LOGIN")) {
                        send(out, tag + " OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n");
                    } else if (rest.startsWith("SELECT")) {
                        send(out, "* " + messages.size() + " EXISTS\r\n* FLAGS (\\Seen \\Deleted)\r\n"
                                + "* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok\r\n"
                                + "* OK [UIDVALIDITY 7] v\r\n" + tag + " OK [READ-WRITE] sel\r\n");
                    } else if (rest.startsWith("UID FETCH 1:*")) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= messages.size(); i++) {
                            int size = listedSizes.getOrDefault((long) i, messages.get(i - 1).length);
                            sb.append("* ").append(i).append(" FETCH (UID ").append(i).append(" RFC822.SIZE ")
                                    .append(size).append(" FLAGS ())\r\n");
                        }
                        send(out, sb + tag + " OK f\r\n");
                    } else if (rest.matches("UID FETCH \\d+ \\(UID BODY\\.PEEK\\[\\]\\)")) {
                        long uid = Long.parseLong(rest.split(" ")[2]);
                        if (!body(out, tag, uid)) {
                            return;
                        }
                    } else if (rest.startsWith("LOGOUT")) {
                        send(out, "* BYE bye\r\n" + tag + " OK out\r\n");
                        return;
                    } else {
                        send(out, tag + " OK done\r\n");
                    }
                }
            } catch (IOException | InterruptedException e) {
                // connection ended
            } finally {
                closed.countDown();
            }
        }

        /** Answers one body fetch; false when the connection is to be dropped. */
        private boolean body(OutputStream out, String tag, long uid) throws IOException, InterruptedException {
            byte[] m = messages.get((int) uid - 1);
            Body how = bodies.getOrDefault(uid, Body.WHOLE);
            send(out, "* " + uid + " FETCH (UID " + uid + " BODY[] {" + m.length + "}\r\n");
            int half = how == Body.WHOLE ? m.length : m.length / 2;
            out.write(m, 0, half);
            out.flush();
            if (how != Body.WHOLE) {
                events.add("half of " + uid + " sent");
                halfSent.countDown();
            }
            if (how == Body.HALF_THEN_DROP) {
                return false;
            }
            if (how == Body.HALF_WAIT_THEN_DROP || how == Body.HALF_WAIT_THEN_REST) {
                release.await(20, TimeUnit.SECONDS);
                if (how == Body.HALF_WAIT_THEN_DROP) {
                    return false;
                }
            }
            out.write(m, half, m.length - half);
            send(out, ")\r\n" + tag + " OK f\r\n");
            return true;
        }

        static void send(OutputStream out, String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        long count(String event) {
            synchronized (events) {
                return events.stream().filter(event::equals).count();
            }
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            listener.close();
            thread.join(5000);
        }
    }

    private Server server;
    private BridgeServer bridge;
    private final List<byte[]> messages = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Pop3TestClient start(int prefetchLimit) throws Exception {
        return start(prefetchLimit, server -> { });
    }

    private Pop3TestClient start(int prefetchLimit, java.util.function.Consumer<Server> script) throws Exception {
        return start(prefetchLimit, RetrievePolicy.PEEK, script);
    }

    private Pop3TestClient start(int prefetchLimit, RetrievePolicy retrieve, java.util.function.Consumer<Server> script)
            throws Exception {
        for (int i = 1; i <= 4; i++) {
            messages.add(PrefetchTest.message(i, 2000 + 500 * i));
        }
        server = new Server(messages);
        script.accept(server);
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), 64 * 1024,
                1L << 31, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                retrieve, BridgeOptions.DEFAULT_HIDE_KEYWORD, prefetchLimit);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
        return new Pop3TestClient(bridge.localAddress()).login("u", "p");
    }

    private void retrOneAndTwo(Pop3TestClient pop) throws IOException {
        assertArrayEquals(messages.get(0), pop.retr(1));
        assertArrayEquals(messages.get(1), pop.retr(2));
    }

    private void awaitEvent(String event) throws InterruptedException {
        for (int i = 0; i < 500 && server.count(event) == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, server.count(event), "upstream saw " + server.events);
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(10, TimeUnit.SECONDS), what);
    }

    @Test
    void fetchOfTheNextMessageArrivesBeforeTheClientAsksForIt() throws Exception {
        try (Pop3TestClient pop = start(BridgeOptions.DEFAULT_PREFETCH_LIMIT)) {
            retrOneAndTwo(pop);
            // the script records a command when it reads it: wait (bounded) for the one the client
            // has not asked for yet, then mark the moment the client asks
            awaitEvent("UID FETCH 3 (UID BODY.PEEK[])");
            server.events.add("client sends RETR 3");
            assertArrayEquals(messages.get(2), pop.retr(3));
            awaitEvent("UID FETCH 4 (UID BODY.PEEK[])");
            server.events.add("client sends RETR 4");
            assertArrayEquals(messages.get(3), pop.retr(4));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        await(server.closed, "upstream logged out");
        List<String> events = List.copyOf(server.events);
        assertTrue(events.indexOf("UID FETCH 3 (UID BODY.PEEK[])") < events.indexOf("client sends RETR 3"),
                events.toString());
        assertTrue(events.indexOf("UID FETCH 4 (UID BODY.PEEK[])") < events.indexOf("client sends RETR 4"),
                events.toString());
        assertEquals(1, server.count("UID FETCH 3 (UID BODY.PEEK[])"), events.toString());
        assertEquals(1, server.count("UID FETCH 4 (UID BODY.PEEK[])"), events.toString());
    }

    @Test
    void upstreamDroppedDuringPrefetchIsReportedOnlyWhenThatMessageIsRetrieved() throws Exception {
        try (Pop3TestClient pop = start(BridgeOptions.DEFAULT_PREFETCH_LIMIT,
                server -> server.bodies.put(3L, Body.HALF_THEN_DROP))) {
            retrOneAndTwo(pop);
            await(server.closed, "upstream dropped during the prefetch");
            Pop3TestClient.expectOk(pop.command("NOOP"));
            Pop3TestClient.expectOk(pop.command("LIST 3"));
            String reply = pop.command("RETR 3");
            assertTrue(reply.startsWith("-ERR [SYS/TEMP]"), reply);
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    @Test
    void upstreamDroppedAfterTheRetrTookThePrefetchEndsWithoutTheTerminatingDot() throws Exception {
        try (Pop3TestClient pop = start(BridgeOptions.DEFAULT_PREFETCH_LIMIT,
                server -> server.bodies.put(3L, Body.HALF_WAIT_THEN_DROP))) {
            retrOneAndTwo(pop);
            await(server.halfSent, "half of message 3 sent");
            String ok = pop.command("RETR 3");
            assertEquals("+OK " + messages.get(2).length + " octets", ok);
            server.release.countDown();
            byte[] rest = pop.rawInput().readAllBytes();
            String text = new String(rest, StandardCharsets.ISO_8859_1);
            assertFalse(text.endsWith("\r\n.\r\n"), "truncated message ended with the terminating dot");
            assertTrue(rest.length < messages.get(2).length, "got " + rest.length + " octets");
            // what arrived is the start of message 3, dot-stuffed
            String stuffed = new String(messages.get(2), StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..");
            assertTrue(stuffed.startsWith(text), "not a prefix of message 3");
        }
    }

    @Test
    void quitWhileThePrefetchedBodyIsStillComingLogsOutAfterIt() throws Exception {
        try (Pop3TestClient pop = start(BridgeOptions.DEFAULT_PREFETCH_LIMIT,
                server -> server.bodies.put(3L, Body.HALF_WAIT_THEN_REST))) {
            retrOneAndTwo(pop);
            await(server.halfSent, "half of message 3 sent");
            Pop3TestClient.expectOk(pop.command("QUIT"));
            assertTrue(pop.closedByServer());
        }
        server.release.countDown();
        await(server.closed, "upstream connection ended");
        List<String> events = List.copyOf(server.events);
        assertEquals("LOGOUT", events.get(events.size() - 1), events.toString());
        assertEquals(1, server.count("UID FETCH 3 (UID BODY.PEEK[])"), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.startsWith("UID STORE")), events.toString());
    }

    /**
     * A lying RFC822.SIZE: message 3 is listed under the limit but its literal is over it. The
     * prefetch keeps none of it, and RETR 3 fetches again and sends the real message whole. The
     * seen policy makes the order certain: RETR 2 ends only after its STORE, which the server
     * answers after the prefetched literal, so the prefetch has seen the literal before RETR 3.
     */
    @Test
    void literalLargerThanTheLimitIsNotKeptAndTheRetrFetchesAgain() throws Exception {
        try (Pop3TestClient pop = start(3000, RetrievePolicy.SEEN, server -> server.listedSizes.put(3L, 1000))) {
            retrOneAndTwo(pop);
            String ok = pop.command("RETR 3");
            assertEquals("+OK 1000 octets", ok);
            assertArrayEquals(messages.get(2), pop.body());
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        await(server.closed, "upstream logged out");
        assertEquals(2, server.count("UID FETCH 3 (UID BODY.PEEK[])"), server.events.toString());
    }
}
