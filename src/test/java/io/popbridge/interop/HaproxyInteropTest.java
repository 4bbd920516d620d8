package io.popbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.concurrent.Future;
import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.CidrRange;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxException;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.SessionContext;
import io.popbridge.pop3.SessionObserver;
import io.popbridge.pop3.TlsMode;
import io.popbridge.server.BridgeServer;
import io.popbridge.server.ListenerConfig;
import io.popbridge.testing.Pop3TestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import org.slf4j.LoggerFactory;

/**
 * HAProxy from the OS packages in front of a popbridge listener with the PROXY protocol, once with
 * {@code send-proxy} (v1) and once with {@code send-proxy-v2}: the session log and the mailbox
 * provider see the POP3 client's own address and port (the client binds 127.0.0.2; HAProxy
 * connects from 127.0.0.1). Skipped, with the reason, where haproxy is not installed.
 */
class HaproxyInteropTest {

    @TempDir
    Path dir;

    private BridgeServer bridge;
    private Process haproxy;
    private final List<SessionContext> logins = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> sessionLog = new ListAppender<>();
    private final Logger sessionLogger = (Logger) LoggerFactory.getLogger("io.popbridge.session");

    /** Refuses every login, remembering who asked. */
    private final MailboxProvider provider = new MailboxProvider() {
        @Override
        public Future<Mailbox> open(Credentials credentials, SessionContext context) {
            credentials.wipe();
            logins.add(context);
            return context.eventLoop().newFailedFuture(new MailboxException(FailureKind.AUTH, "test"));
        }
    };

    private static Path haproxyBinary() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(haproxyBinary() != null, "haproxy is not installed (apt-get install haproxy, .ci/install-haproxy.sh)");
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress("127.0.0.2", 0));
        } catch (IOException e) {
            assumeTrue(false, "cannot bind 127.0.0.2: " + e.getMessage());
        }
        ListenerConfig listener = new ListenerConfig(new InetSocketAddress("127.0.0.1", 0), TlsMode.PLAIN,
                ListenerConfig.DEFAULT_MIN_VERSION, true);
        // a proxied address may send a password in clear only from auth.trusted-networks
        Pop3Options pop3 = Pop3Options.defaults().withAuth(new AuthOptions(false, true,
                List.of(CidrRange.parse("127.0.0.2/32")), java.time.Duration.ofMillis(1), 3, java.util.Set.of()));
        bridge = BridgeServer.start(List.of(listener), null, pop3, provider, 1,
                List.of(CidrRange.parse("127.0.0.1/32")), name -> SessionObserver.NONE);
        sessionLog.start();
        sessionLogger.addAppender(sessionLog);
    }

    @AfterEach
    void stop() throws Exception {
        sessionLogger.detachAppender(sessionLog);
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor();
            }
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts haproxy with one frontend per option, returns their ports in order. */
    private int[] startHaproxy(String... serverOptions) throws Exception {
        int pop3 = bridge.localAddress().getPort();
        int[] ports = new int[serverOptions.length];
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                """);
        for (int i = 0; i < serverOptions.length; i++) {
            ports[i] = freePort();
            cfg.append("frontend f").append(i).append("\n    bind 127.0.0.1:").append(ports[i])
                    .append("\n    default_backend b").append(i).append('\n')
                    .append("backend b").append(i).append("\n    server s").append(i).append(" 127.0.0.1:")
                    .append(pop3).append(' ').append(serverOptions[i]).append('\n');
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        Path log = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(haproxyBinary().toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        for (int port : ports) {
            boolean up = false;
            for (int i = 0; i < 500 && !up && haproxy.isAlive(); i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    up = true;
                } catch (IOException e) {
                    Thread.sleep(10);
                }
            }
            assertTrue(up, "haproxy did not listen on " + port + ": " + Files.readString(log));
        }
        return ports;
    }

    /** Connects from 127.0.0.2 through haproxy on {@code port}, tries a login, quits; returns the local port. */
    private int sessionThrough(int port) throws Exception {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.2", 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        int local = socket.getLocalPort();
        try (Pop3TestClient pop = new Pop3TestClient(socket, true)) {
            assertTrue(pop.greeting.startsWith("+OK"), pop.greeting);
            Pop3TestClient.expectOk(pop.command("USER someone"));
            assertTrue(pop.command("PASS not-logged").startsWith("-ERR [AUTH]"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        return local;
    }

    private String sessionEndLine(int clientPort) throws InterruptedException {
        String fragment = "client=/127.0.0.2:" + clientPort + " ";
        for (int i = 0; i < 500; i++) {
            for (ILoggingEvent e : sessionLog.list) {
                if (e.getFormattedMessage().contains(fragment)) {
                    return e.getFormattedMessage();
                }
            }
            Thread.sleep(10);
        }
        return "no session log line with " + fragment + " in " + sessionLog.list;
    }

    @Test
    void sendProxyV1AndV2CarryTheRealClientAddress() throws Exception {
        int[] ports = startHaproxy("send-proxy", "send-proxy-v2");
        for (int i = 0; i < ports.length; i++) {
            int clientPort = sessionThrough(ports[i]);
            String line = sessionEndLine(clientPort);
            assertTrue(line.startsWith("pop3 session end user=someone client=/127.0.0.2:" + clientPort + " "), line);
            InetSocketAddress seen = (InetSocketAddress) logins.get(i).clientAddress();
            assertEquals(new InetSocketAddress("127.0.0.2", clientPort), seen);
        }
    }
}
