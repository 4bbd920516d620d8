package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstream TLS and STARTTLS downgrade protection, asserted on the octets a recording fake server
 * received: whenever the connection cannot be secured as configured, no login command (and no
 * credential octet) reaches the server.
 */
class ImapUpstreamSecurityTest {

    private static final byte[] USER = "alice".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PASSWORD = "canary-secret".getBytes(StandardCharsets.UTF_8);

    private static TestCertificates.Identity ca;
    private static TestCertificates.Identity good;
    private static TestCertificates.Identity wrongHost;
    private static TestCertificates.Identity expired;
    private static TestCertificates.Identity unknownCa;
    private static SslContext trustingCa;

    private RecordingImapServer server;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestCertificates.ca("popbridge test CA");
        good = TestCertificates.leaf(ca, List.of("localhost"), List.of("127.0.0.1"));
        wrongHost = TestCertificates.leaf(ca, List.of("imap.other.example"), List.of());
        Instant now = Instant.now();
        expired = TestCertificates.leaf(ca, List.of("localhost"), List.of("127.0.0.1"),
                now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)));
        unknownCa = TestCertificates.leaf(TestCertificates.ca("someone else's CA"), List.of("localhost"),
                List.of("127.0.0.1"));
        trustingCa = ca.trustingClientContext();
    }

    @BeforeEach
    void start() throws Exception {
        server = new RecordingImapServer();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        server.close();
    }

    private ImapClientOptions options(Set<String> pins) {
        return new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20, trustingCa)
                .withPublicKeyPins(pins);
    }

    /** Connects and, if that works, logs in: the chain a bridge session runs. */
    private Future<ImapClient> connectAndLogin(UpstreamEndpoint.Security security, Set<String> pins) throws Exception {
        UpstreamEndpoint endpoint = server.endpoint("127.0.0.1", security);
        return loop.submit(() -> {
            Promise<ImapClient> result = loop.newPromise();
            ImapClient.connect(loop, endpoint, options(pins)).addListener(c -> {
                if (!c.isSuccess()) {
                    result.setFailure(c.cause());
                    return;
                }
                ImapClient client = (ImapClient) c.getNow();
                client.login(USER, PASSWORD).addListener(l -> {
                    if (l.isSuccess()) {
                        result.setSuccess(client);
                    } else {
                        client.close();
                        result.setFailure(l.cause());
                    }
                });
            });
            return result;
        }).get();
    }

    private Throwable failureOf(Future<ImapClient> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        server.awaitAllClosed();
        return e.getCause();
    }

    private void assertNoCredentialsSent() {
        String text = server.receivedText();
        assertFalse(text.contains("LOGIN"), text);
        assertFalse(text.contains("AUTHENTICATE"), text);
        assertFalse(text.contains("canary-secret"), text);
    }

    @Test
    void starttlsMissingFromCapabilitiesSendsNothingAfterCapability() throws Exception {
        server.capabilities = "IMAP4rev1 AUTH=PLAIN";
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.STARTTLS, Set.of()));
        assertInstanceOf(ImapException.Insecure.class, cause);
        assertEquals("A1 CAPABILITY\r\n", server.receivedText());
    }

    @Test
    void starttlsStrippedFromGreetingCapabilitiesSendsNothing() throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready";
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.STARTTLS, Set.of()));
        assertInstanceOf(ImapException.Insecure.class, cause);
        assertEquals("", server.receivedText());
    }

    @Test
    void refusedStarttlsSendsNoCredentials() throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready";
        server.starttlsReply = "NO [UNAVAILABLE] maybe later";
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.STARTTLS, Set.of()));
        assertInstanceOf(ImapException.Insecure.class, cause);
        assertEquals("A1 STARTTLS\r\n", server.receivedText());
    }

    @ParameterizedTest(name = "second segment: {0}")
    @ValueSource(booleans = {false, true})
    void bytesInjectedAfterStarttlsOkAbortBeforeLogin(boolean separately) throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready";
        server.starttls = good.serverContext();
        server.afterStarttlsOk = "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n";
        server.injectSeparately = separately;
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.STARTTLS, Set.of()));
        assertInstanceOf(ImapException.class, cause);
        assertEquals("A1 STARTTLS\r\n", server.receivedText());
    }

    @Test
    void preauthGreetingWhenStarttlsIsRequiredSendsNothing() throws Exception {
        server.greeting = "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome back";
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.STARTTLS, Set.of()));
        assertInstanceOf(ImapException.Insecure.class, cause);
        assertEquals("", server.receivedText());
    }

    @Test
    void starttlsRefetchesCapabilitiesInsideTlsAndLogsInThere() throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready";
        server.starttls = good.serverContext();
        server.tlsCapabilities = "IMAP4rev1";
        ImapClient client = connectAndLogin(UpstreamEndpoint.Security.STARTTLS, Set.of()).get(10, TimeUnit.SECONDS);
        assertFalse(client.hasCapability("STARTTLS"));
        loop.submit(client::close).get();
        server.awaitAllClosed();
        assertEquals(List.of("A1 STARTTLS\r\n", "A2 CAPABILITY\r\n", "A3 LOGIN \"alice\" \"canary-secret\"\r\n",
                "A4 CAPABILITY\r\n"), server.commands());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wrong host", "unknown CA", "expired", "pin mismatch"})
    void implicitTlsVerificationFailureSendsNoOctet(String problem) throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1] ready";
        server.implicitTls = identityFor(problem).serverContext();
        Set<String> pins = problem.equals("pin mismatch") ? Set.of(unknownCa.pin()) : Set.of();
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.IMPLICIT_TLS, pins));
        assertInstanceOf(ImapException.Insecure.class, cause, problem);
        assertEquals(0, server.received().length, server.receivedText());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wrong host", "unknown CA", "expired", "pin mismatch"})
    void starttlsVerificationFailureSendsNothingAfterStarttls(String problem) throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready";
        server.starttls = identityFor(problem).serverContext();
        Set<String> pins = problem.equals("pin mismatch") ? Set.of(unknownCa.pin()) : Set.of();
        Throwable cause = failureOf(connectAndLogin(UpstreamEndpoint.Security.STARTTLS, pins));
        assertInstanceOf(ImapException.Insecure.class, cause, problem);
        assertEquals("A1 STARTTLS\r\n", server.receivedText());
        assertNoCredentialsSent();
    }

    private static TestCertificates.Identity identityFor(String problem) {
        return switch (problem) {
            case "wrong host" -> wrongHost;
            case "unknown CA" -> unknownCa;
            case "expired" -> expired;
            default -> good;
        };
    }

    @Test
    void hostNameIsCheckedEvenWhenTheGivenContextDisablesIt() throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1] ready";
        server.implicitTls = wrongHost.serverContext();
        SslContext lax = io.netty.handler.ssl.SslContextBuilder.forClient()
                .sslProvider(io.netty.handler.ssl.SslProvider.JDK).endpointIdentificationAlgorithm(null)
                .trustManager(ca.certificate()).build();
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                lax);
        UpstreamEndpoint endpoint = server.endpoint("127.0.0.1", UpstreamEndpoint.Security.IMPLICIT_TLS);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        assertInstanceOf(ImapException.Insecure.class, failureOf(f));
        assertEquals(0, server.received().length);
    }

    @Test
    void matchingPinLogsIn() throws Exception {
        server.greeting = "* OK [CAPABILITY IMAP4rev1] ready";
        server.implicitTls = good.serverContext();
        ImapClient client = connectAndLogin(UpstreamEndpoint.Security.IMPLICIT_TLS, Set.of(unknownCa.pin(), good.pin()))
                .get(10, TimeUnit.SECONDS);
        loop.submit(client::close).get();
        server.awaitAllClosed();
        assertEquals("A1 LOGIN \"alice\" \"canary-secret\"\r\n", server.commands().get(0));
    }

    @Test
    void pinsMustBeBase64Sha256() {
        ImapClientOptions defaults = ImapClientOptions.defaults();
        assertTrue(defaults.publicKeyPins().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> defaults.withPublicKeyPins(Set.of("not base64!")));
        assertThrows(IllegalArgumentException.class, () -> defaults.withPublicKeyPins(Set.of("AAAA")));
        assertEquals(Set.of(good.pin()), defaults.withPublicKeyPins(Set.of(good.pin())).publicKeyPins());
    }

    @Test
    void serverContextIsRefused() throws Exception {
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                good.serverContext());
        UpstreamEndpoint endpoint = server.endpoint("127.0.0.1", UpstreamEndpoint.Security.IMPLICIT_TLS);
        Future<ImapClient> f = loop.submit(() -> ImapClient.connect(loop, endpoint, options)).get();
        assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertArrayEquals(new byte[0], server.received());
    }
}
