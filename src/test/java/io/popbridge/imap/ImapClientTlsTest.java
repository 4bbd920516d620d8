package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation") // SelfSignedCertificate: test material only
class ImapClientTlsTest {

    private static SelfSignedCertificate certificate;
    private static SSLContext serverContext;
    private static SslContext clientContext;

    private ScriptedServer server;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ImapClient client;

    @BeforeAll
    static void certificates() throws Exception {
        certificate = new SelfSignedCertificate("localhost");
        serverContext = ((JdkSslContext) SslContextBuilder.forServer(certificate.certificate(), certificate.privateKey())
                .sslProvider(SslProvider.JDK).build()).context();
        clientContext = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(certificate.cert()).build();
    }

    @AfterAll
    static void deleteCertificates() {
        certificate.delete();
    }

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            loop.submit(client::close).get();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        server.close();
    }

    private Future<ImapClient> connect(String host, UpstreamEndpoint.Security security) throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 1L << 20,
                clientContext);
        UpstreamEndpoint endpoint = new UpstreamEndpoint(host, server.port(), security);
        return loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
    }

    @Test
    void starttlsUpgradesAndRefreshesCapabilities() throws Exception {
        Future<ImapClient> f = connect("localhost", UpstreamEndpoint.Security.STARTTLS);
        server.accept("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
        assertEquals("A1 STARTTLS", server.readLine());
        server.send("A1 OK begin TLS\r\n");
        server.startTls(serverContext);
        assertEquals("A2 CAPABILITY", server.readLine());
        server.send("* CAPABILITY IMAP4rev1 UIDPLUS\r\nA2 OK done\r\n");
        client = f.get(10, TimeUnit.SECONDS);
        assertTrue(client.hasCapability("UIDPLUS"));
        assertFalse(client.hasCapability("STARTTLS"));
        assertFalse(client.hasCapability("LOGINDISABLED"));
    }

    @Test
    void plaintextInjectedAfterStarttlsOkAborts() throws Exception {
        Future<ImapClient> f = connect("localhost", UpstreamEndpoint.Security.STARTTLS);
        server.accept("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
        assertEquals("A1 STARTTLS", server.readLine());
        server.send("A1 OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        // one segment on loopback: caught before TLS starts; split, the SslHandler rejects the plaintext
        assertInstanceOf(ImapException.class, e.getCause());
        assertTrue(e.getCause() instanceof ImapException.Protocol || e.getCause() instanceof ImapException.Closed);
        assertTrue(server.clientClosed());
    }

    @Test
    void refusedStarttlsFailsWithoutContinuingInTheClear() throws Exception {
        Future<ImapClient> f = connect("localhost", UpstreamEndpoint.Security.STARTTLS);
        server.accept("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
        assertEquals("A1 STARTTLS", server.readLine());
        server.send("A1 NO not now\r\n");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ImapException.Insecure.class, e.getCause());
        assertInstanceOf(ImapException.Rejected.class, e.getCause().getCause());
        assertTrue(server.clientClosed());
    }

    @Test
    void implicitTlsReadsTheGreetingInsideTls() throws Exception {
        Future<ImapClient> f = connect("localhost", UpstreamEndpoint.Security.IMPLICIT_TLS);
        server.acceptTls(serverContext, "* OK [CAPABILITY IMAP4rev1 MOVE] ready\r\n");
        client = f.get(10, TimeUnit.SECONDS);
        assertTrue(client.hasCapability("MOVE"));
    }

    @Test
    void implicitTlsRejectsACertificateForAnotherHost() throws Exception {
        Future<ImapClient> f = connect("127.0.0.1", UpstreamEndpoint.Security.IMPLICIT_TLS);
        assertThrows(IOException.class, () -> server.acceptTls(serverContext, "* OK ready\r\n"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ImapException.class, e.getCause());
    }
}
