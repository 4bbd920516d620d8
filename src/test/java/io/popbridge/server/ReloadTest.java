package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Configuration reload through a running {@link Instance} (the object SIGHUP and the file watch
 * call), against two GreenMail upstreams that both know alice: the subject she retrieves shows
 * which one a session went to.
 */
class ReloadTest {

    @TempDir
    Path dir;

    private Upstream a;
    private GreenMail b;
    private Path file;
    private int pop3Port;
    private Instance instance;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger instanceLogger = (Logger) LoggerFactory.getLogger(Instance.class);

    @BeforeEach
    void setUp() throws Exception {
        a = new Upstream();
        b = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        b.start();
        b.setUser("alice@b.example", Upstream.USER, Upstream.PASSWORD);
        a.greenMail().setUser("carol@example.com", "carol", "carol-pw");
        try (RawImap imap = a.imap()) {
            imap.append(Corpus.message("on-A", "alice's mail on upstream A"), null);
        }
        try (RawImap imap = new RawImap("127.0.0.1", b.getImap().getPort(), Upstream.USER, Upstream.PASSWORD)) {
            imap.append(Corpus.message("on-B", "alice's mail on upstream B"), null);
        }
        try (ServerSocket s = new ServerSocket(0)) {
            pop3Port = s.getLocalPort();
        }
        file = dir.resolve("popbridge.yaml");
        log.start();
        instanceLogger.addAppender(log);
    }

    @AfterEach
    void tearDown() {
        instanceLogger.detachAppender(log);
        if (instance != null) {
            instance.close();
        }
        a.close();
        b.stop();
    }

    /** The file: listener, upstream A, no admin listener, then {@code extra} YAML. */
    private void write(String extra) throws IOException {
        String yaml = "listen: 127.0.0.1:" + pop3Port + "\n"
                + "data-dir: " + dir.resolve("data") + "\n"
                + "admin:\n  enabled: false\n"
                + "upstream:\n  url: imap://127.0.0.1:" + a.port() + "\n"
                + extra;
        // write to a side file and move it in, as editors and config managers do
        Path tmp = dir.resolve("popbridge.yaml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private String routeAliceToB() {
        return "routes:\n  - user: alice\n    url: imap://127.0.0.1:" + b.getImap().getPort() + "\n";
    }

    private void start() throws Exception {
        ConfigSource source = ConfigSource.of(file, ConfigLoader.Overrides.NONE);
        instance = Instance.start(source.load(), source);
    }

    private InetSocketAddress pop3() {
        return instance.server().localAddress();
    }

    /** The subject of alice's only message, in a new session. */
    private String aliceSees() throws IOException {
        try (Pop3TestClient pop = new Pop3TestClient(pop3()).login(Upstream.USER, Upstream.PASSWORD)) {
            assertTrue(Pop3TestClient.expectOk(pop.command("STAT")).startsWith("+OK 1 "));
            String message = new String(pop.retr(1), StandardCharsets.UTF_8);
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return message.contains("Subject: on-A\r\n") ? "A" : message.contains("Subject: on-B\r\n") ? "B" : message;
        }
    }

    /**
     * The reply to the third login of {@code user} while the user holds two sessions ([IN-USE] over
     * a cap of 2). Each call uses a user of its own, so no session of an earlier call still counts.
     */
    private String thirdSession(String user, String password) throws IOException {
        try (Pop3TestClient first = new Pop3TestClient(pop3()).login(user, password);
                Pop3TestClient second = new Pop3TestClient(pop3()).login(user, password);
                Pop3TestClient third = new Pop3TestClient(pop3())) {
            Pop3TestClient.expectOk(third.command("USER " + user));
            return third.command("PASS " + password);
        }
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void validFileChangesRoutingAndLimitsForNewSessionsWhileAnOpenOneKeepsItsMailbox() throws Exception {
        write("");
        start();
        assertEquals("A", aliceSees());
        assertTrue(thirdSession(Upstream.USER2, Upstream.PASSWORD2).startsWith("+OK"),
                "the default caps let bob in three times");

        try (Pop3TestClient open = new Pop3TestClient(pop3()).login(Upstream.USER, Upstream.PASSWORD)) {
            write(routeAliceToB() + "limits:\n  max-sessions-per-user: 2\n");
            assertTrue(instance.reload("test"));

            // the session from before the reload still serves upstream A's message
            String message = new String(open.retr(1), StandardCharsets.UTF_8);
            assertTrue(message.contains("Subject: on-A\r\n"), message);
            Pop3TestClient.expectOk(open.command("QUIT"));
        }
        assertEquals("B", aliceSees());
        assertTrue(thirdSession("carol", "carol-pw").startsWith("-ERR [IN-USE]"), "the lowered cap applies");
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("reload (test): configuration applied")),
                messages().toString());
    }

    @Test
    void invalidFileKeepsTheOldConfigurationAndLogsTheKey() throws Exception {
        write("limits:\n  max-sessions-per-user: 2\n");
        start();
        write(routeAliceToB() + "limits:\n  max-sessions-per-user: 0\n");

        assertFalse(instance.reload("test"));

        assertEquals("A", aliceSees()); // the route in the rejected file did not apply
        assertTrue(thirdSession(Upstream.USER2, Upstream.PASSWORD2).startsWith("-ERR [IN-USE]"),
                "the old cap of 2 still applies");
        List<String> errors = log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("limits.max-sessions-per-user"), errors.get(0));
        assertTrue(errors.get(0).contains(file.toString()), errors.get(0));
    }

    @Test
    void changedListenerIsLoggedAsNeedingARestartAndNotApplied() throws Exception {
        write("");
        start();
        String yaml = Files.readString(file).replace("listen: 127.0.0.1:" + pop3Port + "\n",
                "listen: 127.0.0.1:" + (pop3Port == 65535 ? 65534 : pop3Port + 1) + "\n") + routeAliceToB();
        Files.writeString(file, yaml);

        assertTrue(instance.reload("test"));

        assertEquals(pop3Port, pop3().getPort());
        assertEquals("B", aliceSees()); // the rest of the file applied
        assertTrue(messages().stream().anyMatch(m -> m.contains("not applied until a restart: listeners")),
                messages().toString());
    }

    @Test
    void watchedFileIsReloadedWhenItChanges() throws Exception {
        write("reload:\n  watch-config: true\n  watch-interval: 50ms\n");
        start();
        assertEquals("A", aliceSees());

        write("reload:\n  watch-config: true\n  watch-interval: 50ms\n" + routeAliceToB());

        String seen = "A";
        for (int i = 0; i < 400 && !seen.equals("B"); i++) {
            Thread.sleep(25);
            seen = aliceSees();
        }
        assertEquals("B", seen);
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("reload (file change): configuration applied")),
                messages().toString());
    }
}
