package io.popbridge.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.TlsMode;
import io.popbridge.server.BridgeServer;
import io.popbridge.server.ListenerConfig;
import io.popbridge.server.ServerTls;
import io.popbridge.server.TlsSettings;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The load tool's STLS and POP3S modes against popbridge's plain+stls and implicit-TLS listeners
 * (self-signed certificate), with loopback not trusted for cleartext logins: a login only works
 * if the tool really negotiated TLS.
 */
class LoadToolTlsTest {

    @Test
    void pollOverStlsAndPop3sWhileCleartextLoginIsRefused(@TempDir Path dataDir) throws Exception {
        try (Upstream upstream = new Upstream()) {
            try (RawImap imap = upstream.imap()) {
                imap.append("Subject: tls\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII), null);
            }
            ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                    1L << 31, null);
            BridgeOptions options = new BridgeOptions(upstream.endpoint(), imap, "INBOX", DeletePolicy.parse("hide"),
                    RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
            Pop3Options untrustedLoopback = Pop3Options.defaults().withAuth(new AuthOptions(false, false, List.of(),
                    Duration.ZERO, AuthOptions.DEFAULT_MAX_FAILURES, Set.of()));
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            try (ServerTls tls = ServerTls.load(new TlsSettings("localhost", null, null, null, null,
                    Duration.ofSeconds(5)), dataDir)) {
                BridgeServer bridge = BridgeServer.start(List.of(
                        new ListenerConfig(any, TlsMode.PLAIN_STLS, ListenerConfig.DEFAULT_MIN_VERSION),
                        new ListenerConfig(any, TlsMode.IMPLICIT_TLS, ListenerConfig.DEFAULT_MIN_VERSION)), tls,
                        untrustedLoopback, new ImapMailboxProvider(options), 1);
                try {
                    int stlsPort = bridge.localAddresses().get(0).getPort();
                    int pop3sPort = bridge.localAddresses().get(1).getPort();
                    assertEquals(Map.of(), poll(stlsPort, "stls").errorsByKind());
                    assertEquals(Map.of(), poll(pop3sPort, "pop3s").errorsByKind());
                    Stats cleartext = poll(stlsPort, "none");
                    assertEquals(0, cleartext.sessions.sum());
                    assertEquals(3, cleartext.errorCount(), cleartext.errorsByKind().toString());
                } finally {
                    bridge.close();
                }
            }
        }
    }

    private static Stats poll(int port, String tls) throws Exception {
        LoadTool tool = new LoadTool();
        new CommandLine(tool).parseArgs("--port=" + port, "--tls=" + tls, "--scenario=poll", "--sessions=3",
                "--workers=1", "--warmup=0", "--user=" + Upstream.USER2 + ":" + Upstream.PASSWORD2);
        Stats stats = tool.run().stats();
        if (!"none".equals(tls)) {
            assertEquals(3, stats.sessions.sum(), tls + ": " + stats.errorsByKind());
        }
        return stats;
    }
}
