package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
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
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review tests: popbridge against a scripted IMAP upstream. */
class ScriptedUpstreamTest {

    static final String BODY = "Subject: x\r\n\r\nhi\r\n";

    /** One-connection scripted IMAP server; records every command line it receives. */
    static final class Script implements AutoCloseable {
        final ServerSocket listener;
        final List<String> received = Collections.synchronizedList(new ArrayList<>());
        final Thread thread;
        volatile String permanentFlags = "* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok\r\n";
        volatile Function<String, String> override = line -> null;
        volatile int bigBody = 0;
        volatile int listingSize = 1;
        volatile boolean upstreamClosed;

        Script() throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            thread = new Thread(this::serve);
            thread.setDaemon(true);
            thread.start();
        }

        void serve() {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                send(out, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] hi\r\n");
                for (String line; (line = readLine(in)) != null;) {
                    received.add(line);
                    String[] w = line.split(" ", 3);
                    String tag = w[0];
                    String rest = line.substring(tag.length() + 1);
                    String custom = override.apply(rest);
                    if (custom != null) {
                        send(out, custom.replace("TAG", tag));
                    } else if (rest.startsWith("LOGIN")) {
                        send(out, tag + " OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n");
                    } else if (rest.startsWith("SELECT")) {
                        send(out, "* 1 EXISTS\r\n* FLAGS (\\Seen \\Deleted)\r\n" + permanentFlags
                                + "* OK [UIDVALIDITY 7] v\r\n" + tag + " OK [READ-WRITE] sel\r\n");
                    } else if (rest.startsWith("UID FETCH 1:*")) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 0; i < listingSize; i++) {
                            sb.append("* ").append(i + 1).append(" FETCH (UID ").append(5 + i).append(" RFC822.SIZE ")
                                    .append(BODY.length()).append(" FLAGS ())\r\n");
                        }
                        send(out, sb + tag + " OK f\r\n");
                    } else if (bigBody > 0 && rest.startsWith("UID FETCH 5 (UID BODY.PEEK[])")) {
                        send(out, "* 1 FETCH (UID 5 BODY[] {" + bigBody + "}\r\n");
                        byte[] chunk = "0123456789012345678901234567890123456789012345678901234567890123456789\r\n".getBytes();
                        for (int n = 0; n < bigBody; n += chunk.length) {
                            out.write(chunk, 0, Math.min(chunk.length, bigBody - n));
                        }
                        send(out, ")\r\n" + tag + " OK f\r\n");
                    } else if (rest.startsWith("UID FETCH 5 (UID BODY.PEEK[])")) {
                        send(out, "* 1 FETCH (UID 5 BODY[] {" + BODY.length() + "}\r\n" + BODY + ")\r\n" + tag + " OK f\r\n");
                    } else if (rest.startsWith("LOGOUT")) {
                        send(out, "* BYE bye\r\n" + tag + " OK out\r\n");
                    } else {
                        send(out, tag + " OK done\r\n");
                    }
                }
            } catch (IOException e) {
                // connection ended
            }
            upstreamClosed = true;
        }

        static void send(OutputStream out, String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n';) {
                if (c < 0) {
                    return null;
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(5000);
        }
    }

    private Script script;
    private BridgeServer bridge;

    @AfterEach
    void tearDown() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (script != null) {
            script.close();
        }
    }

    private InetSocketAddress start(String delete, RetrievePolicy retrieve) throws Exception {
        return start(delete, retrieve, Pop3Options.defaults());
    }

    private InetSocketAddress start(String delete, RetrievePolicy retrieve, Pop3Options pop3) throws Exception {
        script = new Script();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 64 * 1024, 1L << 31, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", script.listener.getLocalPort(),
                UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse(delete), retrieve,
                BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), pop3,
                new ImapMailboxProvider(options), 1);
        return bridge.localAddress();
    }

    /** Sends all of {@code input} at once, returns everything the bridge answered until it closed. */
    private static String pop3(InetSocketAddress address, String input) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static int indexOf(List<String> lines, String prefix) {
        synchronized (lines) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).substring(lines.get(i).indexOf(' ') + 1).startsWith(prefix)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** RFC 3501: PERMANENTFLAGS () means no flag can be stored permanently; hide must not claim success. */
    @Test
    void hideIsRefusedWhenPermanentFlagsIsEmpty() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        script.permanentFlags = "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n";
        String reply = pop3(address, "USER u\r\nPASS p\r\nDELE 1\r\nQUIT\r\n");
        Thread.sleep(300);
        assertTrue(reply.contains("-ERR [SYS/PERM]"), "QUIT should fail, but got:\n" + reply + "\nupstream saw " + script.received);
    }

    /** With retrieve=seen, a pipelined "RETR 1 / QUIT" must still mark the message \Seen. */
    @Test
    void seenStoreIsSentBeforeLogoutWhenQuitIsPipelined() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.SEEN);
        String reply = pop3(address, "USER u\r\nPASS p\r\nRETR 1\r\nQUIT\r\n");
        Thread.sleep(300);
        int store = indexOf(script.received, "UID STORE 5 +FLAGS.SILENT (\\Seen)");
        int logout = indexOf(script.received, "LOGOUT");
        assertTrue(store >= 0 && (logout < 0 || store < logout),
                "STORE \\Seen after LOGOUT (or never): " + script.received + "\nreply:\n" + reply);
    }

    /** expunge policy: when UID EXPUNGE fails, QUIT says -ERR; the \Deleted flag must not stay behind. */
    @Test
    void failedUidExpungeLeavesNoDeletedFlagBehind() throws Exception {
        InetSocketAddress address = start("expunge", RetrievePolicy.PEEK);
        script.override = rest -> rest.startsWith("UID EXPUNGE") ? "TAG NO [SERVERBUG] failed\r\n" : null;
        String reply = pop3(address, "USER u\r\nPASS p\r\nDELE 1\r\nQUIT\r\n");
        Thread.sleep(300);
        assertTrue(reply.contains("-ERR"), reply);
        int set = indexOf(script.received, "UID STORE 5 +FLAGS.SILENT (\\Deleted)");
        int unset = indexOf(script.received, "UID STORE 5 -FLAGS");
        assertFalse(set >= 0 && unset < 0, "-ERR at QUIT but \\Deleted left on uid 5 (hidden from POP3 from now on, "
                + "removed by any other client's EXPUNGE): " + script.received);
    }

    /** A client that stops reading mid-RETR must be disconnected by the idle timeout, and upstream released. */
    @Test
    void idleTimeoutClosesAStalledRetr() throws Exception {
        Pop3Options pop3 = new Pop3Options(255, Duration.ofSeconds(1), Duration.ofSeconds(5), 10, "popbridge");
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK, pop3);
        script.bigBody = 16 << 20;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(address);
            s.getOutputStream().write("USER u\r\nPASS p\r\nRETR 1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // never read
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (!script.upstreamClosed && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(script.upstreamClosed, "idle timeout (1s) fired but after 8s the session and its upstream "
                    + "connection are still open");
        }
    }

    /** Pipelined UIDLs from a client that does not read must not pile up without bound in the bridge. */
    @Test
    void pipelinedListingsFromANonReadingClientStayBounded() throws Exception {
        InetSocketAddress address = start("hide", RetrievePolicy.PEEK);
        script.listingSize = 3000;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(address);
            s.getOutputStream().write("USER u\r\nPASS p\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(500);
            long before = ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
            s.getOutputStream().write("UIDL\r\n".repeat(500).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            long grown = 0;
            for (int i = 0; i < 50 && grown < 4 << 20; i++) {
                Thread.sleep(100);
                grown = Math.max(grown, ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
                        .metric().usedDirectMemory() - before);
            }
            assertTrue(grown < 4 << 20, "3 KB of UIDL commands made the bridge buffer " + (grown >> 20)
                    + " MiB for one session (write watermark 64 KiB)");
        }
    }

    /**
     * RETR ends while the POP3 client is not writable (upstream paused), QUIT follows, then the client
     * goes away: the session drops its writability tasks, so upstream reading never resumes and the
     * commit (and the IMAP connection) hang forever; the command timeout is paused too.
     */
    @Test
    void commitCompletesAfterARetrThatEndedWhileTheClientWasNotWritable() throws Exception {
        script = new Script();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(1), 64 * 1024, 1L << 31, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", script.listener.getLocalPort(),
                UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.HIDE, RetrievePolicy.PEEK,
                BridgeOptions.DEFAULT_HIDE_KEYWORD);
        io.netty.channel.MultiThreadIoEventLoopGroup group =
                new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            io.netty.channel.EventLoop loop = group.next();
            io.popbridge.pop3.Mailbox mailbox = loop.submit(() -> new ImapMailboxProvider(options).open(
                    new io.popbridge.pop3.Credentials("u".getBytes(), "p".getBytes()),
                    new io.popbridge.pop3.SessionContext(loop, null, false))).get().get(5, java.util.concurrent.TimeUnit.SECONDS);
            java.util.concurrent.CompletableFuture<io.netty.util.concurrent.Future<Void>> commit =
                    new java.util.concurrent.CompletableFuture<>();
            loop.execute(() -> mailbox.retrieve(1, new io.popbridge.pop3.BodySink() {
                public void begin() { }
                public void write(io.netty.buffer.ByteBuf chunk) { chunk.release(); }
                public void end() {
                    // the pipelined QUIT, as Pop3Session runs it from bodyFinished
                    commit.complete(mailbox.commit(new java.util.TreeSet<>(List.of(1))));
                }
                public void fail(io.popbridge.pop3.MailboxException cause) { commit.completeExceptionally(cause); }
                public boolean isWritable() { return false; }            // slow client
                public void whenWritable(Runnable task) { }              // client then disconnects: task dropped
            }));
            io.netty.util.concurrent.Future<Void> done = commit.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(done.await(5, java.util.concurrent.TimeUnit.SECONDS),
                    "commit neither completed nor timed out (command timeout 1s) within 5s; upstream saw " + script.received);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
