package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.CidrRange;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.SessionObserver;
import io.popbridge.pop3.TlsMode;
import io.popbridge.server.BridgeServer;
import io.popbridge.server.ListenerConfig;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code forward-client-address} against real Dovecot (which trusts 127.0.0.0/8 in
 * login_trusted_networks): a POP3 client announced by a PROXY header as 203.0.113.9 shows up in
 * Dovecot's login log line as {@code rip=203.0.113.9}.
 */
class DovecotClientAddressTest {

    private DovecotServer dovecot;
    private BridgeServer bridge;

    @BeforeEach
    void start() throws Exception {
        dovecot = DovecotServer.startOrSkip();
    }

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private InetSocketAddress startBridge(boolean forward) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(dovecot.certificatePem().toFile())
                .protocols("TLSv1.3", "TLSv1.2").build();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024,
                1L << 31, tls);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", dovecot.imapPort(),
                UpstreamEndpoint.Security.STARTTLS);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        Route route = new Route(endpoint, imap, LoginRewrite.AS_IS, null, forward);
        ListenerConfig listener = new ListenerConfig(new InetSocketAddress("127.0.0.1", 0), TlsMode.PLAIN,
                ListenerConfig.DEFAULT_MIN_VERSION, true);
        // PLAIN listener: cleartext from the proxied documentation address needs auth.trusted-networks
        Pop3Options pop3 = Pop3Options.defaults().withAuth(new AuthOptions(false, true,
                List.of(CidrRange.parse("203.0.113.0/24")), Duration.ofSeconds(2), 3, java.util.Set.of()));
        bridge = BridgeServer.start(List.of(listener), null, pop3,
                new ImapMailboxProvider(options, Router.single(route), UpstreamObserver.NONE), 1,
                List.of(CidrRange.parse("127.0.0.0/8")), name -> SessionObserver.NONE);
        return bridge.localAddress();
    }

    private void loginAs203(InetSocketAddress address) throws Exception {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write("PROXY TCP4 203.0.113.9 127.0.0.1 40001 110\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        try (Pop3TestClient pop = new Pop3TestClient(socket, true)) {
            pop.login("alice", dovecot.password("alice"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    private boolean logged(String fragment) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (dovecot.logTail().contains(fragment)) {
                return true;
            }
            Thread.sleep(25);
        }
        return false;
    }

    @Test
    void dovecotLogsTheProxiedPop3ClientAsTheRemoteAddress() throws Exception {
        loginAs203(startBridge(true));
        assertTrue(logged("rip=203.0.113.9"), dovecot.logTail());
    }

    @Test
    void withoutForwardingDovecotSeesPopbridge() throws Exception {
        loginAs203(startBridge(false));
        assertTrue(logged("user=<alice>"), dovecot.logTail());
        assertEquals(false, dovecot.logTail().contains("203.0.113.9"), dovecot.logTail());
    }
}
