package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two GreenMail upstreams behind one bridge: which mailbox's messages come back through POP3
 * shows where each user was routed and which name was sent upstream.
 */
class RoutingEndToEndTest {

    private static final ImapClientOptions IMAP = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
            64 * 1024, 1L << 31, null);

    /** Logins alice and bob (GreenMail users alice@example.com, bob@example.com). */
    private Upstream a;
    /** Logins carol@b.example and dave. */
    private GreenMail b;
    private BridgeServer bridge;
    private final List<String> connectedTo = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        a = new Upstream();
        b = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        b.start();
        b.setUser("carol@b.example", "carol@b.example", "carol-pw");
        b.setUser("dave@strip.example", "dave", "dave-pw");
        try (RawImap imap = a.imap()) {
            imap.append(Corpus.message("A-alice", "on upstream A"), null);
        }
        try (RawImap imap = a.imap(Upstream.USER2, Upstream.PASSWORD2)) {
            imap.append(Corpus.message("A-bob", "on upstream A"), null);
        }
        int bPort = b.getImap().getPort();
        try (RawImap imap = new RawImap("127.0.0.1", bPort, "carol@b.example", "carol-pw")) {
            imap.append(Corpus.message("B-carol", "on upstream B"), null);
        }
        try (RawImap imap = new RawImap("127.0.0.1", bPort, "dave", "dave-pw")) {
            imap.append(Corpus.message("B-dave", "on upstream B"), null);
        }

        Route toA = new Route(a.endpoint(), IMAP, LoginRewrite.STRIP_DOMAIN);
        UpstreamEndpoint bEndpoint = new UpstreamEndpoint("127.0.0.1", bPort, UpstreamEndpoint.Security.PLAIN);
        Router router = new Router(toA,
                Map.of("Alice@B.example", new Route(a.endpoint(), IMAP, LoginRewrite.STRIP_DOMAIN)),
                Map.of("b.example", new Route(bEndpoint, IMAP, LoginRewrite.AS_IS),
                        "strip.example", new Route(bEndpoint, IMAP, LoginRewrite.STRIP_DOMAIN)));
        // The options' own upstream is a dead port: every login must go where the router says.
        BridgeOptions options = new BridgeOptions(new UpstreamEndpoint("127.0.0.1", 1, UpstreamEndpoint.Security.PLAIN),
                IMAP, "INBOX", DeletePolicy.parse("hide"), RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        UpstreamObserver observer = new UpstreamObserver() {
            @Override
            public void connected(String upstream, boolean ok, long nanos) {
                connectedTo.add(upstream);
            }
        };
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options, router, observer), 1);
    }

    @AfterEach
    void tearDown() {
        if (bridge != null) {
            bridge.close();
        }
        a.close();
        b.stop();
    }

    /** Logs in, checks the mailbox holds exactly one message with {@code subject}, quits. */
    private void expectMailbox(String user, String password, String subject) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress()).login(user, password)) {
            assertTrue(Pop3TestClient.expectOk(pop.command("STAT")).startsWith("+OK 1 "), user);
            String message = new String(pop.retr(1), StandardCharsets.UTF_8);
            assertTrue(message.contains("Subject: " + subject + "\r\n"), user + " got " + message);
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    private String aLabel() {
        return "127.0.0.1:" + a.port();
    }

    private String bLabel() {
        return "127.0.0.1:" + b.getImap().getPort();
    }

    @Test
    void userInARoutedDomainGoesToThatDomainsUpstream() throws Exception {
        expectMailbox("carol@b.example", "carol-pw", "B-carol");
        expectMailbox("carol@b.example", "carol-pw", "B-carol");
        assertEquals(List.of(bLabel(), bLabel()), connectedTo);
    }

    @Test
    void exactUserBeatsItsDomainAndIsSentWithoutTheDomain() throws Exception {
        // alice@b.example would go to B by domain; the user entry sends her to A as "alice".
        expectMailbox("alice@b.example", Upstream.PASSWORD, "A-alice");
        assertEquals(List.of(aLabel()), connectedTo);
    }

    @Test
    void stripDomainSendsTheLocalPartUpstream() throws Exception {
        expectMailbox("dave@strip.example", "dave-pw", "B-dave");
        assertEquals(List.of(bLabel()), connectedTo);
    }

    @Test
    void unknownDomainGoesToTheDefault() throws Exception {
        expectMailbox("alice@example.com", Upstream.PASSWORD, "A-alice");
        expectMailbox("bob@unknown.example", Upstream.PASSWORD2, "A-bob");
        expectMailbox("bob", Upstream.PASSWORD2, "A-bob");
        assertEquals(List.of(aLabel(), aLabel(), aLabel()), connectedTo);
    }

    @Test
    void userCaseDoesNotMatterForRouting() throws Exception {
        // The exact-user entry matches in any case, so the login goes to A (not B by domain); whether A
        // accepts "ALICE" is A's business, so only the connection is checked.
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            Pop3TestClient.expectOk(pop.command("USER ALICE@b.EXAMPLE"));
            pop.command("PASS " + Upstream.PASSWORD);
        }
        assertEquals(List.of(aLabel()), connectedTo);
    }
}
