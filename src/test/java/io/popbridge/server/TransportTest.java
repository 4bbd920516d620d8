package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listeners' socket transport: the choice, and a whole POP3 session (with its upstream IMAP
 * connection made on the same loop) over each transport against GreenMail.
 */
class TransportTest {

    @Test
    void autoPrefersEpollWhereItLoadsAndBadSettingsAreNamed() {
        assertEquals(Transport.EPOLL, Transport.choose("auto", true));
        assertEquals(Transport.NIO, Transport.choose("auto", false));
        assertEquals(Transport.NIO, Transport.choose(" NIO ", true));
        assertEquals(Transport.EPOLL, Transport.choose("epoll", true));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> Transport.choose("epoll", false));
        assertTrue(missing.getMessage().startsWith("-Dpopbridge.transport=epoll: "), missing.getMessage());
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> Transport.choose("kqueue", true));
        assertEquals("-Dpopbridge.transport: expected auto, nio or epoll, got 'kqueue'", bad.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void aSessionWorksOverEachTransport(String transport) throws Exception {
        assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "native epoll not available here");
        String message = "From: a@example.org\r\nSubject: over " + transport + "\r\n\r\n.leading dot\r\nbody\r\n";
        String before = System.getProperty(Transport.PROPERTY);
        try (Upstream upstream = new Upstream()) {
            try (RawImap imap = upstream.imap()) {
                imap.append(message.getBytes(StandardCharsets.US_ASCII), null);
            }
            ImapClientOptions imapOptions = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                    1L << 31, null);
            BridgeOptions options = new BridgeOptions(upstream.endpoint(), imapOptions, "INBOX", DeletePolicy.parse("hide"),
                    RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
            System.setProperty(Transport.PROPERTY, transport);
            BridgeServer bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                    new ImapMailboxProvider(options), 2);
            try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
                pop.login(Upstream.USER, Upstream.PASSWORD);
                assertTrue(pop.command("STAT").startsWith("+OK 1 "));
                Pop3TestClient.expectOk(pop.command("UIDL"));
                List<String> uidls = pop.lines();
                assertEquals(1, uidls.size());
                assertArrayEquals(message.getBytes(StandardCharsets.US_ASCII), pop.retr(1));
                Pop3TestClient.expectOk(pop.command("QUIT"));
            } finally {
                bridge.close();
            }
        } finally {
            if (before == null) {
                System.clearProperty(Transport.PROPERTY);
            } else {
                System.setProperty(Transport.PROPERTY, before);
            }
        }
    }
}
