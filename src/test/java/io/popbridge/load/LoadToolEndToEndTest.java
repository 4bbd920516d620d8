package io.popbridge.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load tool at tiny scale against popbridge in front of GreenMail, and against a lying server. */
class LoadToolEndToEndTest {

    private static final int MESSAGES = 12;

    private Upstream upstream;
    private BridgeServer bridge;
    private long storedOctets;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap()) {
            for (int i = 0; i < MESSAGES; i++) {
                StringBuilder message = new StringBuilder("Subject: load " + i + "\r\n\r\n");
                for (int line = 0; line < 20 * (i + 1); line++) {
                    // lines starting with a dot exercise the stuffing on both ends
                    message.append(line % 3 == 0 ? "." : "").append("line ").append(line).append(" of ").append(i)
                            .append("\r\n");
                }
                byte[] bytes = message.toString().getBytes(StandardCharsets.US_ASCII);
                storedOctets += bytes.length;
                imap.append(bytes, null);
            }
        }
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(upstream.endpoint(), imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 2);
    }

    @AfterEach
    void tearDown() {
        if (bridge != null) {
            bridge.close();
        }
        upstream.close();
    }

    private static LoadTool.Result run(int port, String... args) throws Exception {
        LoadTool tool = new LoadTool();
        new CommandLine(tool).parseArgs(args);
        tool.port = port;
        return tool.run();
    }

    private LoadTool.Result runBridge(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--port=0";
        all[args.length + 1] = "--user=" + Upstream.USER + ":" + Upstream.PASSWORD;
        all[args.length + 2] = "--warmup=0";
        all[args.length + 3] = "--duration=120";
        return run(bridge.localAddress().getPort(), all);
    }

    @Test
    void downloadRetrievesEveryMessageWithItsListedSizeThroughPopbridge() throws Exception {
        // GreenMail's RFC822.SIZE is not what RETR sends (see BridgeEndToEndTest): one session first
        // lets popbridge learn the true sizes, as it would in production after the first download.
        runBridge("--scenario=download", "--sessions=1", "--workers=1");
        LoadTool.Result result = runBridge("--scenario=download", "--sessions=6", "--workers=2");
        Stats stats = result.stats();
        assertEquals(Map.of(), stats.errorsByKind());
        assertEquals(6, stats.sessions.sum());
        assertEquals(6L * MESSAGES, stats.messages.sum());
        assertEquals(6 * storedOctets, stats.octets.sum());
        assertEquals(6L * MESSAGES, stats.latency("retr").getTotalCount());
    }

    @Test
    void pollTopAndOpenLoopCountSessionsWithoutErrors() throws Exception {
        Stats poll = runBridge("--scenario=poll", "--sessions=10", "--workers=3").stats();
        assertEquals(Map.of(), poll.errorsByKind());
        assertEquals(10, poll.sessions.sum());
        assertEquals(10, poll.latency("session").getTotalCount());

        Stats top = runBridge("--scenario=top", "--sessions=2", "--workers=1").stats();
        assertEquals(Map.of(), top.errorsByKind());
        assertEquals(2L * MESSAGES, top.messages.sum());

        LoadTool tool = new LoadTool();
        new CommandLine(tool).parseArgs("--port=" + bridge.localAddress().getPort(), "--scenario=poll", "--mode=open",
                "--rate=20", "--duration=1", "--warmup=0", "--workers=4",
                "--user=" + Upstream.USER + ":" + Upstream.PASSWORD);
        Stats open = tool.run().stats();
        assertEquals(Map.of(), open.errorsByKind());
        assertEquals(20, open.sessions.sum()); // one second at 20/s, every scheduled session completes
        assertEquals(20, open.latency("service").getTotalCount());
    }

    @Test
    void imapPollDoesTheUpstreamWorkOfAPollDirectly() throws Exception {
        Stats stats = run(upstream.port(), "--port=0", "--scenario=imap-poll", "--sessions=5", "--workers=2",
                "--warmup=0", "--user=" + Upstream.USER2 + ":" + Upstream.PASSWORD2).stats();
        assertEquals(Map.of(), stats.errorsByKind());
        assertEquals(5, stats.sessions.sum());
        // ImapDirect sends quoted strings only: a non-ASCII password is refused and counted, not hidden
        Stats refused = run(upstream.port(), "--port=0", "--scenario=imap-poll", "--sessions=2", "--workers=1",
                "--warmup=0", "--user=" + Upstream.USER + ":" + Upstream.PASSWORD).stats();
        assertEquals(Map.of("imap_login", 2L), refused.errorsByKind());
    }

    @Test
    void idleHoldsLoggedInSessionsAndNoops() throws Exception {
        LoadTool tool = new LoadTool();
        new CommandLine(tool).parseArgs("--port=" + bridge.localAddress().getPort(), "--scenario=idle",
                "--idle-sessions=5", "--duration=1.2", "--noop-interval=0.5", "--workers=2",
                "--user=" + Upstream.USER + ":" + Upstream.PASSWORD, "--user=" + Upstream.USER2 + ":"
                        + Upstream.PASSWORD2);
        Stats stats = tool.run().stats();
        assertEquals(Map.of(), stats.errorsByKind());
        assertEquals(5, stats.latency("login").getTotalCount());
        assertEquals(10, stats.latency("noop").getTotalCount()); // two rounds of five
        assertEquals(5, stats.sessions.sum());
    }

    @Test
    void aRetrShorterThanItsListSizeIsCountedAsSizeMismatch() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread fake = new Thread(() -> serveOneLyingSession(server));
            fake.start();
            Stats stats = run(server.getLocalPort(), "--port=0", "--scenario=download", "--sessions=1",
                    "--workers=1", "--warmup=0", "--user=u:p").stats();
            fake.join(10_000);
            assertEquals(Map.of("size_mismatch", 1L), stats.errorsByKind());
            assertEquals(2, stats.messages.sum());
            assertEquals(1, stats.sessions.sum());
        }
    }

    /** Lists two 9-octet messages but sends 9 and then 8 octets (".." unstuffs to "."). */
    private static void serveOneLyingSession(ServerSocket server) {
        try (Socket socket = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write("+OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String reply = switch (line) {
                    case "LIST" -> "+OK\r\n1 9\r\n2 9\r\n.\r\n";
                    case "RETR 1" -> "+OK\r\n..abc\r\nd\r\n.\r\n"; // ".abc" CRLF "d" CRLF = 9
                    case "RETR 2" -> "+OK\r\n..ab\r\nd\r\n.\r\n"; // 8
                    default -> "+OK\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                if (line.equals("QUIT")) {
                    return;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
