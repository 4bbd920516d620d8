package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SIGHUP to popbridge running in its own JVM ({@code Main --config}): the edited file's
 * route applies to the next POP3 session. Skipped where there is no {@code kill} command.
 */
class SighupReloadTest {

    @TempDir
    Path dir;

    private Upstream a;
    private GreenMail b;
    private Process child;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "no kill command to send SIGHUP with");
        a = new Upstream();
        b = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        b.start();
        b.setUser("alice@b.example", Upstream.USER, Upstream.PASSWORD);
        try (RawImap imap = a.imap()) {
            imap.append(Corpus.message("on-A", "alice's mail on upstream A"), null);
        }
        try (RawImap imap = new RawImap("127.0.0.1", b.getImap().getPort(), Upstream.USER, Upstream.PASSWORD)) {
            imap.append(Corpus.message("on-B", "alice's mail on upstream B"), null);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroy(); // SIGTERM: the graceful path
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
        if (b != null) {
            b.stop();
        }
        if (a != null) {
            a.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private boolean awaitOutput(String fragment) throws InterruptedException {
        for (int i = 0; i < 3000; i++) {
            if (output.stream().anyMatch(l -> l.contains(fragment))) {
                return true;
            }
            if (!child.isAlive()) {
                return output.stream().anyMatch(l -> l.contains(fragment));
            }
            Thread.sleep(10);
        }
        return false;
    }

    private String aliceSees(InetSocketAddress pop3) throws IOException {
        try (Pop3TestClient pop = new Pop3TestClient(pop3).login(Upstream.USER, Upstream.PASSWORD)) {
            String message = new String(pop.retr(1), StandardCharsets.UTF_8);
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return message.contains("Subject: on-A\r\n") ? "A" : message.contains("Subject: on-B\r\n") ? "B" : message;
        }
    }

    @Test
    void sighupReloadsTheRoutesOfAChildProcess() throws Exception {
        int port = freePort();
        Path file = dir.resolve("popbridge.yaml");
        String base = "listen: 127.0.0.1:" + port + "\n"
                + "data-dir: " + dir.resolve("data") + "\n"
                + "admin:\n  enabled: false\n"
                + "upstream:\n  url: imap://127.0.0.1:" + a.port() + "\n";
        Files.writeString(file, base);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", file.toString())
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "sighup-test-output");
        reader.setDaemon(true);
        reader.start();
        assertTrue(awaitOutput("listening for POP3"), "child did not start: " + output);
        InetSocketAddress pop3 = new InetSocketAddress("127.0.0.1", port);
        assertEquals("A", aliceSees(pop3));

        Files.writeString(file, base + "routes:\n  - user: alice\n    url: imap://127.0.0.1:" + b.getImap().getPort() + "\n");
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(child.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());

        assertTrue(awaitOutput("reload (SIGHUP): configuration applied"), "no reload logged: " + output);
        assertEquals("B", aliceSees(pop3));
        assertTrue(child.isAlive());
    }
}
