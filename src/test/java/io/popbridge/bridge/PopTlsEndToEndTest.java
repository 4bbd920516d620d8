package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContextBuilder;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.TlsMode;
import io.popbridge.server.BridgeServer;
import io.popbridge.server.ListenerConfig;
import io.popbridge.server.ServerTls;
import io.popbridge.server.TlsSettings;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both sides at once, the way a deployment runs: POP3 clients on a plain+stls and an
 * implicit-TLS listener (self-signed certificate generated into the data directory), upstream
 * Dovecot over verified STARTTLS.
 */
class PopTlsEndToEndTest {

    private static DovecotServer dovecot;
    private static long uid;
    private static ServerTls tls;
    private static BridgeServer bridge;
    private static SSLContext clientTls;

    @BeforeAll
    static void start(@TempDir Path dataDir) throws Exception {
        dovecot = DovecotServer.startOrSkip();
        uid = dovecot.append("alice", Corpus.framingCorpus().get(1));
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024,
                1L << 31, SslContextBuilder.forClient().trustManager(dovecot.certificatePem().toFile()).build());
        BridgeOptions options = new BridgeOptions(
                new UpstreamEndpoint("127.0.0.1", dovecot.imapPort(), UpstreamEndpoint.Security.STARTTLS), imap,
                "INBOX", DeletePolicy.HIDE, RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        // Loopback is trusted for cleartext logins by default; here it stands for a remote network.
        Pop3Options untrustedLoopback = Pop3Options.defaults().withAuth(new AuthOptions(false, false, List.of(),
                Duration.ZERO, AuthOptions.DEFAULT_MAX_FAILURES, Set.of()));
        tls = ServerTls.load(new TlsSettings("localhost", null, null, null, null, Duration.ofSeconds(5)), dataDir);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        bridge = BridgeServer.start(List.of(new ListenerConfig(any, TlsMode.PLAIN_STLS, ListenerConfig.DEFAULT_MIN_VERSION),
                new ListenerConfig(any, TlsMode.IMPLICIT_TLS, ListenerConfig.DEFAULT_MIN_VERSION)), tls, untrustedLoopback,
                new ImapMailboxProvider(options), 1);
        clientTls = trusting(tls.material().chain().get(0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("popbridge", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static SSLSocket tlsOver(Socket plain, InetSocketAddress address) throws Exception {
        SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket(plain, "localhost", address.getPort(),
                true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate is checked for "localhost"
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static byte[] expected() throws Exception {
        try (RawImap imap = new RawImap("127.0.0.1", dovecot.imapPort(), "alice", dovecot.password("alice"))) {
            return BridgeEndToEndTest.crlf(imap.body(uid));
        }
    }

    @Test
    void stlsThenLoginAndRetrieve() throws Exception {
        InetSocketAddress address = bridge.localAddresses().get(0);
        try (Pop3TestClient plain = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(plain.command("CAPA"));
            List<String> before = plain.lines();
            assertTrue(before.contains("STLS"), before.toString());
            assertFalse(before.contains("USER"), "no cleartext login offered to a non-TLS client: " + before);
            assertTrue(plain.command("USER alice").startsWith("-ERR [AUTH]"), "cleartext USER refused");
            Pop3TestClient.expectOk(plain.command("STLS"));
            try (Pop3TestClient secure = new Pop3TestClient(tlsOver(plain.socket(), address), false)) {
                Pop3TestClient.expectOk(secure.command("CAPA"));
                List<String> after = secure.lines();
                assertFalse(after.contains("STLS"), after.toString());
                assertTrue(after.contains("USER"), after.toString());
                secure.login("alice", dovecot.password("alice"));
                assertArrayEquals(expected(), secure.retr(1));
                assertEquals("+OK Logging out.", secure.command("QUIT"));
            }
        }
    }

    @Test
    void implicitTlsLoginAndRetrieve() throws Exception {
        InetSocketAddress address = bridge.localAddresses().get(1);
        Socket raw = new Socket(address.getAddress(), address.getPort());
        try (Pop3TestClient secure = new Pop3TestClient(tlsOver(raw, address), true)) {
            assertTrue(secure.greeting.startsWith("+OK"), secure.greeting);
            secure.login("alice", dovecot.password("alice"));
            assertArrayEquals(expected(), secure.retr(1));
        }
    }
}
