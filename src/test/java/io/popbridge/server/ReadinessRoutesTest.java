package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.popbridge.testing.Upstream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /readyz} of a running {@link Instance} probes the default upstream and every route's. */
class ReadinessRoutesTest {

    @TempDir
    Path dir;

    private Upstream a;
    private GreenMail b;
    private GreenMail c;
    private Instance instance;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        a = new Upstream();
        b = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        b.start();
        c = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        c.start();
    }

    @AfterEach
    void tearDown() {
        if (instance != null) {
            instance.close();
        }
        a.close();
        b.stop();
        c.stop();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> readyz() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + instance.admin().localAddress().getPort() + "/readyz");
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneRoutesUpstreamDownMakesTheInstanceNotReadyAndIsNamed() throws Exception {
        int bPort = b.getImap().getPort();
        Path file = dir.resolve("popbridge.yaml");
        Files.writeString(file, "listen: 127.0.0.1:" + freePort() + "\n"
                + "data-dir: " + dir.resolve("data") + "\n"
                + "admin:\n  address: 127.0.0.1:" + freePort() + "\n"
                + "upstream:\n  url: imap://127.0.0.1:" + a.port() + "\n"
                + "routes:\n"
                + "  - domain: b.example\n    url: imap://127.0.0.1:" + bPort + "\n"
                + "  - user: carol@c.example\n    url: imap://127.0.0.1:" + c.getImap().getPort() + "\n");
        ConfigSource source = ConfigSource.of(file, ConfigLoader.Overrides.NONE);
        instance = Instance.start(source.load(), source, Duration.ZERO);

        HttpResponse<String> ready = readyz();
        assertEquals(200, ready.statusCode(), ready.body());

        b.stop(); // the default upstream and the other route's stay up
        HttpResponse<String> down = readyz();
        assertEquals(503, down.statusCode());
        assertEquals("not ready: upstream not reachable: 127.0.0.1:" + bPort + "\n", down.body());
    }
}
