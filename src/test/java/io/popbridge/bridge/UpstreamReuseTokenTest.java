package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.RecordingImapServer;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token logins (POP3 {@code AUTH XOAUTH2}, passed through) never reuse a kept upstream session and
 * always log out, while password logins against the same scripted upstream do reuse.
 */
class UpstreamReuseTokenTest {

    private static final String TOKEN = Base64.getEncoder().encodeToString(
            "user=alice\u0001auth=Bearer tok\u0001\u0001".getBytes(StandardCharsets.UTF_8));

    private RecordingImapServer server;
    private BridgeServer bridge;
    private UpstreamSessionPool pool;

    @BeforeEach
    void start() throws Exception {
        server = new RecordingImapServer();
        server.messages.add("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        server.greeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR] ready";
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), 4096, 1L << 20,
                null);
        UpstreamEndpoint endpoint = server.endpoint("127.0.0.1", UpstreamEndpoint.Security.PLAIN);
        BridgeOptions options = new BridgeOptions(endpoint, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        pool = new UpstreamSessionPool(new ReuseOptions(Duration.ofSeconds(30), 10));
        Pop3Options pop3 = new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 10, "popbridge",
                new AuthOptions(false, true, List.of(), Duration.ZERO, 3, Set.of("XOAUTH2")));
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), pop3,
                new ImapMailboxProvider(options, Router.single(new Route(endpoint, imap, LoginRewrite.AS_IS)),
                        UpstreamObserver.NONE, null, MappingOptions.DEFAULTS, pool), 1);
    }

    @AfterEach
    void stop() throws Exception {
        pool.close();
        bridge.close();
        server.close();
    }

    private void tokenPoll() throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            Pop3TestClient.expectOk(pop.command("AUTH XOAUTH2 " + TOKEN));
            Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    private void passwordPoll() throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress()).login("alice", "secret")) {
            Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    private long count(String prefix) {
        return server.commands().stream().filter(c -> c.substring(c.indexOf(' ') + 1).startsWith(prefix)).count();
    }

    @Test
    void tokenLoginsNeverReuseAndAlwaysLogOut() throws Exception {
        tokenPoll();
        tokenPoll();
        assertEquals(2, server.connections());
        assertEquals(2, count("AUTHENTICATE XOAUTH2"));
        server.awaitAllClosed();
        assertEquals(2, count("LOGOUT"));
        assertEquals(0, pool.size());
    }

    @Test
    void passwordLoginsOnTheSameUpstreamDoReuse() throws Exception {
        passwordPoll();
        passwordPoll();
        assertEquals(1, server.connections());
        assertEquals(1, count("AUTHENTICATE PLAIN"));
        assertEquals(0, count("LOGOUT"));
        assertEquals(1, pool.size());
    }
}
