package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP routing lookup end to end: a JDK HTTP server on 127.0.0.1 answers where each user
 * lives; two GreenMail upstreams show where the POP3 sessions went.
 */
class HttpRouteLookupTest {

    private static final ImapClientOptions IMAP = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
            64 * 1024, 1L << 31, null);

    /** Default upstream: alice, bob. */
    private Upstream a;
    /** carol@b.example (login carol@b.example) and dave (login dave). */
    private GreenMail b;
    private HttpServer service;
    private BridgeServer bridge;
    /** Each request the service got: method, query and body. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** user -> status and JSON body the service answers; absent: 404. */
    private volatile Map<String, String> answers = Map.of();
    private volatile int status = 200;

    @BeforeEach
    void setUp() throws Exception {
        a = new Upstream();
        b = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        b.start();
        b.setUser("carol@b.example", "carol@b.example", "carol-pw");
        b.setUser("dave@b.example", "dave", "dave-pw");
        try (RawImap imap = a.imap()) {
            imap.append(Corpus.message("A-alice", "on upstream A"), null);
        }
        int bPort = b.getImap().getPort();
        try (RawImap imap = new RawImap("127.0.0.1", bPort, "carol@b.example", "carol-pw")) {
            imap.append(Corpus.message("B-carol", "on upstream B"), null);
        }
        try (RawImap imap = new RawImap("127.0.0.1", bPort, "dave", "dave-pw")) {
            imap.append(Corpus.message("B-dave", "on upstream B"), null);
        }
        String bUrl = "imap://127.0.0.1:" + bPort;
        answers = Map.of(
                "carol@b.example", "{\"upstream\":\"" + bUrl + "\"}",
                "dave@example.org", "{\"upstream\":\"" + bUrl + "\",\"login\":\"dave\"}");
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/route", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestMethod() + " " + query + " " + body);
            String user = null;
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("user=")) {
                        user = java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                    }
                }
            } else if (body.contains("\"user\":\"")) {
                int start = body.indexOf("\"user\":\"") + 8;
                user = body.substring(start, body.indexOf('"', start));
            }
            String answer = user == null ? null : answers.get(user);
            byte[] out = (answer == null ? "{}" : answer).getBytes(StandardCharsets.UTF_8);
            int code = status != 200 ? status : answer == null ? 404 : 200;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        service.start();
    }

    @AfterEach
    void tearDown() {
        if (bridge != null) {
            bridge.close();
        }
        service.stop(0);
        a.close();
        b.stop();
    }

    private void startBridge(boolean post, Duration cacheTtl, boolean staticOnFailure) throws Exception {
        startBridge(post, cacheTtl, staticOnFailure, "/route", Duration.ofSeconds(5));
    }

    private void startBridge(boolean post, Duration cacheTtl, boolean staticOnFailure, String path, Duration timeout)
            throws Exception {
        Router file = Router.single(new Route(a.endpoint(), IMAP, LoginRewrite.AS_IS));
        URI url = URI.create("http://127.0.0.1:" + service.getAddress().getPort() + path);
        RouteLookupOptions options = new RouteLookupOptions(url, post, timeout, cacheTtl, 1000,
                staticOnFailure, text -> {
                    URI u = URI.create(text);
                    return new Route(new UpstreamEndpoint(u.getHost(), u.getPort(), UpstreamEndpoint.Security.PLAIN),
                            IMAP, LoginRewrite.AS_IS);
                });
        BridgeOptions bridgeOptions = new BridgeOptions(new UpstreamEndpoint("127.0.0.1", 1,
                UpstreamEndpoint.Security.PLAIN), IMAP, "INBOX", DeletePolicy.parse("hide"), RetrievePolicy.PEEK,
                BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(bridgeOptions, new HttpRouteLookup(options, file), UpstreamObserver.NONE), 1);
    }

    private void expectMailbox(String user, String password, String subject) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress()).login(user, password)) {
            assertTrue(Pop3TestClient.expectOk(pop.command("STAT")).startsWith("+OK 1 "), user);
            String message = new String(pop.retr(1), StandardCharsets.UTF_8);
            assertTrue(message.contains("Subject: " + subject + "\r\n"), user + " got " + message);
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    private String loginReply(String user, String password) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            Pop3TestClient.expectOk(pop.command("USER " + user));
            return pop.command("PASS " + password);
        }
    }

    @Test
    void getRoutesByTheServiceWithItsLoginAndFallsBackToTheFileOn404() throws Exception {
        startBridge(false, Duration.ZERO, false);
        expectMailbox("carol@b.example", "carol-pw", "B-carol");
        expectMailbox("dave@example.org", "dave-pw", "B-dave"); // sent upstream as "dave"
        expectMailbox("alice", Upstream.PASSWORD, "A-alice"); // 404: the file's default
        assertEquals(List.of("GET user=carol%40b.example&client=127.0.0.1 ",
                "GET user=dave%40example.org&client=127.0.0.1 ", "GET user=alice&client=127.0.0.1 "), requests);
        for (String request : requests) {
            assertFalse(request.contains("pw") || request.contains(Upstream.PASSWORD), "no password: " + request);
        }
    }

    @Test
    void postSendsUserAndClientAsJson() throws Exception {
        startBridge(true, Duration.ZERO, false);
        expectMailbox("carol@b.example", "carol-pw", "B-carol");
        assertEquals(List.of("POST null {\"user\":\"carol@b.example\",\"client\":\"127.0.0.1\"}"), requests);
    }

    @Test
    void answersAreCachedPerUserAndAddress() throws Exception {
        startBridge(false, Duration.ofMinutes(5), false);
        expectMailbox("carol@b.example", "carol-pw", "B-carol");
        expectMailbox("Carol@B.example", "carol-pw", "B-carol");
        expectMailbox("alice", Upstream.PASSWORD, "A-alice");
        expectMailbox("alice", Upstream.PASSWORD, "A-alice");
        assertEquals(2, requests.size(), requests.toString());
    }

    @Test
    void serviceFailureIsTemporaryAndNotCached() throws Exception {
        startBridge(false, Duration.ofMinutes(5), false);
        status = 500;
        assertEquals("-ERR [SYS/TEMP] Temporary server failure, try again later.", loginReply("carol@b.example", "carol-pw"));
        status = 200;
        expectMailbox("carol@b.example", "carol-pw", "B-carol");
        assertEquals(2, requests.size(), requests.toString());
    }

    @Test
    void unreachableServiceIsTemporary() throws Exception {
        startBridge(false, Duration.ZERO, false);
        service.stop(0);
        assertTrue(loginReply("carol@b.example", "carol-pw").startsWith("-ERR [SYS/TEMP]"));
    }

    @Test
    void slowServiceTimesOutAsTemporary() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        service.createContext("/slow", exchange -> {
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS); // never answers in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        startBridge(false, Duration.ZERO, false, "/slow", Duration.ofMillis(300));
        try {
            assertTrue(loginReply("carol@b.example", "carol-pw").startsWith("-ERR [SYS/TEMP]"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void staticFallbackRoutesByTheFileWhenTheServiceFails() throws Exception {
        startBridge(false, Duration.ZERO, true);
        status = 503;
        expectMailbox("alice", Upstream.PASSWORD, "A-alice");
        answers = Map.of("alice", "{\"upstream\":\"not a url\"}");
        status = 200;
        expectMailbox("alice", Upstream.PASSWORD, "A-alice"); // a bad answer is a failure too
    }
}
