package io.popbridge.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark fixtures are right: seeded maildir sizes, and the scripted upstream behind popbridge. */
class BenchFixturesTest {

    private static final Pattern SIZES = Pattern.compile(",S=(\\d+),W=(\\d+):2,$");

    @Test
    void seededMaildirNamesCarryThePhysicalAndTheCrlfSize(@TempDir Path dir) throws Exception {
        long total = MaildirSeeder.seed(dir, 30, 500, 5_000, 1);
        long sum = 0;
        try (Stream<Path> files = Files.list(dir.resolve("cur"))) {
            List<Path> all = files.toList();
            assertEquals(30, all.size());
            for (Path file : all) {
                byte[] bytes = Files.readAllBytes(file);
                Matcher m = SIZES.matcher(file.getFileName().toString());
                assertTrue(m.find(), file.toString());
                long lines = 0;
                for (byte b : bytes) {
                    lines += b == '\n' ? 1 : 0;
                    assertTrue(b != '\r', "LF line ends on disk");
                }
                assertEquals(bytes.length, Long.parseLong(m.group(1)));
                assertEquals(bytes.length + lines, Long.parseLong(m.group(2)));
                assertTrue(bytes.length >= 500 && bytes.length <= 5_200, "size " + bytes.length);
                sum += bytes.length + lines;
            }
        }
        assertEquals(total, sum);
    }

    @Test
    void popbridgeServesTheScriptedUpstreamMailboxByteCountExact() throws Exception {
        try (ScriptedImapUpstream upstream = new ScriptedImapUpstream(0, 4, 1)) {
            ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                    1L << 31, null);
            BridgeOptions options = new BridgeOptions(
                    new UpstreamEndpoint("127.0.0.1", upstream.port(), UpstreamEndpoint.Security.PLAIN), imap, "INBOX",
                    DeletePolicy.parse("hide"), RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
            BridgeServer bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                    new ImapMailboxProvider(options), 1);
            try {
                LoadTool tool = new LoadTool();
                new CommandLine(tool).parseArgs("--port=" + bridge.localAddress().getPort(), "--scenario=download",
                        "--sessions=2", "--workers=2", "--warmup=0", "--user=anyone:pw");
                Stats stats = tool.run().stats();
                assertEquals(Map.of(), stats.errorsByKind());
                assertEquals(10, stats.messages.sum());
                long expected = upstream.messages().stream().mapToLong(m -> m.length).sum();
                assertEquals(2 * expected, stats.octets.sum());
                assertTrue(expected > 1_000_000, "the big message is there: " + expected);
            } finally {
                bridge.close();
            }
        }
    }
}
