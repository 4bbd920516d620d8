package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.imap.UpstreamEndpoint.Security;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<ServerConfig> started = new ArrayList<>();
    private final List<Boolean> demos = new ArrayList<>();

    private int run(String... args) {
        return run((config, demo) -> {
            started.add(config);
            demos.add(demo);
        }, args);
    }

    private int run(Launcher launcher, String... args) {
        return Cli.run(args, launcher, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void helpListsTheOptionsAndExitsZero() {
        assertEquals(0, run("--help"));
        for (String option : List.of("--config", "--listen", "--upstream", "--allow-plaintext-upstream", "--demo",
                "--version")) {
            assertTrue(out.toString().contains(option), option);
        }
        assertTrue(started.isEmpty());
    }

    @Test
    void versionIsDevOutsideAJar() {
        assertEquals(0, run("--version"));
        assertEquals("popbridge dev", out.toString().strip());
        assertTrue(started.isEmpty());
    }

    @Test
    void unknownOptionExitsTwoWithUsage() {
        assertEquals(2, run("--upstrem", "imaps://mail.example.com"));
        assertTrue(err.toString().contains("Unknown option"), err.toString());
        assertTrue(err.toString().contains("Possible solutions: --upstream"), err.toString());
        assertTrue(started.isEmpty());
    }

    @Test
    void optionWithoutItsValueExitsTwoWithUsage() {
        assertEquals(2, run("--listen"));
        assertTrue(err.toString().contains("Missing required parameter for option '--listen'"), err.toString());
        assertTrue(err.toString().contains("Usage: popbridge"), err.toString());
        assertTrue(started.isEmpty());
    }

    @Test
    void withoutAnUpstreamStartUpFails() {
        assertEquals(2, run());
        assertEquals("popbridge: an upstream IMAP server is needed: pass --upstream URL, --config FILE with"
                + " upstream.url, or --demo", err.toString().strip());
        assertFalse(err.toString().strip().contains("\n"));
        assertTrue(started.isEmpty());
    }

    @Test
    void upstreamAloneIsEnough() {
        assertEquals(0, run("--upstream", "imaps://mail.example.com"));
        assertEquals(1, started.size());
        ServerConfig config = started.get(0);
        assertEquals(new UpstreamEndpoint("mail.example.com", 993, Security.IMPLICIT_TLS), config.bridge().upstream());
        assertEquals(ServerConfig.DEFAULT_LISTEN, config.listeners().get(0).address());
        assertNotNull(config.bridge().imap().sslContext());
        assertEquals(List.of(false), demos);
    }

    @Test
    void optionsOverrideTheFile() throws IOException {
        Path file = dir.resolve("popbridge.yaml");
        Files.writeString(file, "listen: 127.0.0.1:1110\nupstream:\n  url: imaps://file.example.com\n"
                + "policy:\n  delete: seen\n");
        assertEquals(0, run("--config", file.toString(), "--listen", "127.0.0.1:2110",
                "--upstream", "imap://cli.example.com:1143", "--allow-plaintext-upstream"), err.toString());
        ServerConfig config = started.get(0);
        assertEquals(new InetSocketAddress("127.0.0.1", 2110), config.listeners().get(0).address());
        assertEquals(new UpstreamEndpoint("cli.example.com", 1143, Security.PLAIN), config.bridge().upstream());
        assertNull(config.bridge().imap().sslContext());
        assertEquals("seen", config.bridge().deletePolicy().toString(), "the rest still comes from the file");
    }

    @Test
    void plaintextUpstreamWithoutPermissionExitsTwo() {
        assertEquals(2, run("--upstream", "imap://mail.example.com"));
        assertTrue(err.toString().startsWith("popbridge: --upstream: imap:// would send every user's password"),
                err.toString());
        assertTrue(started.isEmpty());
    }

    @Test
    void badListenOptionExitsTwo() {
        assertEquals(2, run("--upstream", "imaps://mail.example.com", "--listen", "127.0.0.1:0"));
        assertEquals("popbridge: --listen: port 0 is out of range (expected 1 to 65535)", err.toString().strip());
    }

    @Test
    void launcherFailureExitsOneWithOneLine() {
        int status = run((config, demo) -> {
            throw new IOException("Address already in use\nsecond line");
        }, "--upstream", "imaps://mail.example.com");
        assertEquals(1, status);
        assertEquals("popbridge: Address already in use second line", err.toString().strip());
    }

    @Test
    void demoRunsAgainstALoopbackUpstreamThatStopsAfterwards() throws IOException {
        Path file = dir.resolve("popbridge.yaml");
        Files.writeString(file, "upstream:\n  url: imaps://ignored.example.com\npop3:\n  max-bad-commands: 4\n");
        List<UpstreamEndpoint> seen = new ArrayList<>();
        int status = run((config, demo) -> {
            assertTrue(demo);
            UpstreamEndpoint upstream = config.bridge().upstream();
            seen.add(upstream);
            assertEquals(4, config.pop3().maxBadCommands(), "the file's other settings apply");
            try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
                String greeting = new String(socket.getInputStream().readNBytes(4), java.nio.charset.StandardCharsets.US_ASCII);
                assertEquals("* OK", greeting);
            }
        }, "--config", file.toString(), "--demo");
        assertEquals(0, status, err.toString());
        assertEquals(1, seen.size());
        UpstreamEndpoint upstream = seen.get(0);
        assertEquals("127.0.0.1", upstream.host());
        assertEquals(Security.PLAIN, upstream.security());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", upstream.port()).close(),
                "the demo upstream is stopped when the launcher returns");
    }

    @Test
    void missingConfigFileExitsTwo() {
        Path file = dir.resolve("nope.yaml");
        assertEquals(2, run("--config", file.toString()));
        assertEquals("popbridge: " + file + ": no such file", err.toString().strip());
    }

    @Test
    void demoAndUpstreamExcludeEachOther() {
        assertEquals(2, run("--demo", "--upstream", "imaps://mail.example.com"));
        assertEquals("popbridge: --demo and --upstream cannot be used together", err.toString().strip());
    }

    @Test
    void demoWithABadFileExitsTwoBeforeStarting() throws IOException {
        Path file = dir.resolve("popbridge.yaml");
        Files.writeString(file, "pop3:\n  idle-timeout: 1m\n");
        assertEquals(2, run("--config", file.toString(), "--demo"));
        assertTrue(err.toString().startsWith("popbridge: " + file + ": pop3.idle-timeout: must be at least 10m"),
                err.toString());
        assertTrue(started.isEmpty());
    }
}
