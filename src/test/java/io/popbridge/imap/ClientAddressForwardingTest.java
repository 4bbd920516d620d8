package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.LoginRewrite;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.bridge.Route;
import io.popbridge.bridge.Router;
import io.popbridge.bridge.UpstreamObserver;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code forward-client-address}: through a real POP3 session, the scripted upstream sees
 * {@code ID ("x-originating-ip" ...)} with the POP3 client's address and port, before LOGIN.
 */
class ClientAddressForwardingTest {

    private static final ImapClientOptions IMAP = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
            64 * 1024, 1L << 31, null);

    private ScriptedServer upstream;
    private BridgeServer bridge;

    @AfterEach
    void tearDown() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(boolean forward) throws Exception {
        upstream = new ScriptedServer();
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", upstream.port(), UpstreamEndpoint.Security.PLAIN);
        Route route = new Route(endpoint, IMAP, LoginRewrite.AS_IS, null, forward);
        BridgeOptions options = new BridgeOptions(endpoint, IMAP, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options, Router.single(route), UpstreamObserver.NONE), 1);
    }

    /** Logs in over POP3 in the background; the upstream refuses the login. */
    private CompletableFuture<String> loginInBackground(Pop3TestClient pop) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Pop3TestClient.expectOk(pop.command("USER alice"));
                return pop.command("PASS secret");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void idWithTheClientAddressGoesBeforeLogin() throws Exception {
        start(true);
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            int clientPort = pop.socket().getLocalPort();
            CompletableFuture<String> reply = loginInBackground(pop);
            upstream.accept("* OK [CAPABILITY IMAP4rev1 ID] ready\r\n");
            assertEquals("A1 ID (\"x-originating-ip\" \"127.0.0.1\" \"x-originating-port\" \"" + clientPort + "\")",
                    upstream.readLine());
            assertEquals("A2 LOGIN alice secret", upstream.readLine().replace("\"", ""));
            upstream.send("* ID (\"name\" \"scripted\")\r\nA1 OK ID completed\r\nA2 NO [AUTHENTICATIONFAILED] no\r\n");
            assertEquals("-ERR [AUTH] Authentication failed.", reply.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void refusedIdDoesNotStopTheLogin() throws Exception {
        start(true);
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            CompletableFuture<String> reply = loginInBackground(pop);
            upstream.accept("* OK [CAPABILITY IMAP4rev1 ID] ready\r\n");
            upstream.readLine();
            upstream.readLine();
            upstream.send("A1 BAD not from you\r\nA2 NO [AUTHENTICATIONFAILED] no\r\n");
            assertEquals("-ERR [AUTH] Authentication failed.", reply.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void withoutTheSettingOrWithoutIdCapabilityLoginComesFirst() throws Exception {
        start(false);
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            CompletableFuture<String> reply = loginInBackground(pop);
            upstream.accept("* OK [CAPABILITY IMAP4rev1 ID] ready\r\n");
            assertEquals("A1 LOGIN alice secret", upstream.readLine().replace("\"", ""));
            upstream.send("A1 NO [AUTHENTICATIONFAILED] no\r\n");
            assertEquals("-ERR [AUTH] Authentication failed.", reply.get(20, TimeUnit.SECONDS));
        }
        bridge.close();
        upstream.close();
        start(true);
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            CompletableFuture<String> reply = loginInBackground(pop);
            upstream.accept("* OK [CAPABILITY IMAP4rev1] ready\r\n");
            assertEquals("A1 LOGIN alice secret", upstream.readLine().replace("\"", ""));
            upstream.send("A1 NO [AUTHENTICATIONFAILED] no\r\n");
            assertEquals("-ERR [AUTH] Authentication failed.", reply.get(20, TimeUnit.SECONDS));
        }
    }
}
