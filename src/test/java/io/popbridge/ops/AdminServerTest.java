package io.popbridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.server.ListenerConfig;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin listener in front of a real bridge against GreenMail. */
class AdminServerTest {

    private Upstream upstream;
    private BridgeServer bridge;
    private AdminServer admin;
    private Metrics metrics;
    private String listener;

    @BeforeEach
    void start() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap()) {
            imap.append("Subject: one\r\n\r\nfirst\r\n".getBytes(StandardCharsets.US_ASCII), null);
            imap.append("Subject: two\r\n\r\nsecond\r\n".getBytes(StandardCharsets.US_ASCII), null);
        }
        metrics = new Metrics();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(upstream.endpoint(), imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        ListenerConfig config = new ListenerConfig(new InetSocketAddress("127.0.0.1", 0),
                io.popbridge.pop3.TlsMode.PLAIN, ListenerConfig.DEFAULT_MIN_VERSION);
        listener = config.name();
        bridge = BridgeServer.start(List.of(config), null, Pop3Options.defaults(),
                new ImapMailboxProvider(options, metrics), 1, List.of(), metrics::listener);
        admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), metrics, bridge::listening,
                upstream.endpoint(), null, Duration.ZERO);
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        upstream.close();
    }

    private record Response(int status, String body, String contentType) {
    }

    private Response request(String method, String path) throws IOException {
        InetSocketAddress a = admin.localAddress();
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + a.getPort() + path).toURL()
                .openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        c.disconnect();
        return new Response(status, body, c.getContentType());
    }

    /** The value of the sample {@code name{labels}} in a scrape, or NaN when absent. */
    static double sample(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        while (m.find()) {
            List<String> have = m.group(1) == null ? List.of() : List.of(m.group(1).split(","));
            if (labels.isEmpty() || have.containsAll(List.of(labels.split(",")))) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    @Test
    void metricsMoveAfterARealSession() throws Exception {
        InetSocketAddress pop3 = bridge.localAddress();
        try (Pop3TestClient pop = new Pop3TestClient(pop3)) {
            assertTrue(pop.command("USER " + Upstream.USER).startsWith("+OK"));
            assertTrue(pop.command("PASS wrong").startsWith("-ERR [AUTH]"));
        }
        try (Pop3TestClient pop = new Pop3TestClient(pop3).login(Upstream.USER, Upstream.PASSWORD)) {
            byte[] first = pop.retr(1);
            assertTrue(first.length > 0);
            Pop3TestClient.expectOk(pop.command("DELE 1"));
            assertTrue(pop.command("RETR 9").startsWith("-ERR"));
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
        // the session gauge drops when the server side has seen the close
        for (int i = 0; i < 500 && sample(metrics.scrape(), "popbridge_pop3_sessions_active", "") != 0; i++) {
            Thread.sleep(10);
        }

        Response r = request("GET", "/metrics");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
        String s = r.body();
        String l = "listener=\"" + listener + "\"";
        assertEquals(2.0, sample(s, "popbridge_pop3_sessions_total", l), s);
        assertEquals(0.0, sample(s, "popbridge_pop3_sessions_active", l), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_logins_total", "outcome=\"ok\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_logins_total", "outcome=\"auth\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_command_seconds_count", "verb=\"RETR\",outcome=\"ok\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_command_seconds_count", "verb=\"RETR\",outcome=\"err\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_command_seconds_count", "verb=\"DELE\",outcome=\"ok\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_command_seconds_count", "verb=\"QUIT\",outcome=\"ok\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_command_seconds_count", "verb=\"PASS\",outcome=\"err\""), s);
        assertTrue(sample(s, "popbridge_pop3_sent_bytes_total", "") > 0, s);
        assertEquals(2.0, sample(s, "popbridge_upstream_connect_seconds_count", "outcome=\"ok\""), s);
        assertEquals(1.0, sample(s, "popbridge_bridge_deletes_total", "policy=\"hide\""), s);
        // GreenMail's RFC822.SIZE leaves out the header (greenmail issue 967): RETR learns the size
        assertEquals(1.0, sample(s, "popbridge_bridge_size_corrections_total", ""), s);
        try (RawImap imap = upstream.imap()) {
            assertTrue(imap.flags(imap.uids().get(0)).contains("$POP3Deleted"));
        }
    }

    @Test
    void healthAndReadiness() throws Exception {
        assertEquals(new Response(200, "ok\n", "text/plain; charset=utf-8"), request("GET", "/healthz"));
        assertEquals(200, request("GET", "/readyz").status());
        int port = upstream.port();
        upstream.close();
        Response down = request("GET", "/readyz");
        assertEquals(503, down.status());
        assertEquals("not ready: upstream not reachable: 127.0.0.1:" + port + "\n", down.body());
        assertEquals(200, request("GET", "/healthz").status());
        bridge.close();
        assertEquals("not ready: POP3 listeners not bound\n", request("GET", "/readyz").body());
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, request("GET", "/").status());
        assertEquals(404, request("GET", "/metrics/x").status());
        assertEquals(405, request("POST", "/metrics").status());
        assertEquals(405, request("DELETE", "/healthz").status());
    }

    @Test
    void connectFailuresAreCountedByKind() throws Exception {
        upstream.close();
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            assertTrue(pop.command("USER " + Upstream.USER).startsWith("+OK"));
            assertTrue(pop.command("PASS x").startsWith("-ERR [SYS/TEMP]"));
        }
        String s = metrics.scrape();
        assertEquals(1.0, sample(s, "popbridge_upstream_errors_total", "kind=\"connect\""), s);
        assertEquals(1.0, sample(s, "popbridge_upstream_connect_seconds_count", "outcome=\"err\""), s);
        assertEquals(1.0, sample(s, "popbridge_pop3_logins_total", "outcome=\"sys_temp\""), s);
    }
}
