package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing cache as a running popbridge wires it ({@link Instance}, from a YAML file): its
 * meters on the admin listener's {@code /metrics}, and the cache (contents and meters) kept
 * across a configuration reload, whose log names a changed {@code mapping.listing-cache} as
 * needing a restart.
 */
class ListingCacheInstanceTest {

    @TempDir
    Path dir;

    private Upstream upstream;
    private Instance instance;

    @AfterEach
    void tearDown() {
        if (instance != null) {
            instance.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private final int pop3Port = freePort();
    private final int adminPort = freePort();

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void write(Path file, long maxMessages) throws Exception {
        Files.writeString(file, "listen: 127.0.0.1:" + pop3Port + "\n"
                + "data-dir: " + dir.resolve("data") + "\n"
                + "admin:\n  address: 127.0.0.1:" + adminPort + "\n"
                + "upstream:\n  url: imap://127.0.0.1:" + upstream.port() + "\n"
                + "mapping:\n  listing-cache:\n    max-messages: " + maxMessages + "\n");
    }

    private int statCount() throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(instance.server().localAddress())
                .login(Upstream.USER, Upstream.PASSWORD)) {
            int n = Integer.parseInt(Pop3TestClient.expectOk(pop.command("STAT")).split(" ")[1]);
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return n;
        }
    }

    private String metrics() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + instance.admin().localAddress().getPort() + "/metrics");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    @Test
    void metersOnTheAdminListenerAndTheCacheOutlivesAReload() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap()) {
            for (int i = 0; i < 3; i++) {
                imap.append(Corpus.message("m" + i, "body " + i + "\r\n"), null);
            }
        }
        Path file = dir.resolve("popbridge.yaml");
        write(file, 5000);
        ConfigSource source = ConfigSource.of(file, ConfigLoader.Overrides.NONE);
        instance = Instance.start(source.load(), source);

        assertEquals(3, statCount());
        assertEquals(3, statCount());
        String text = metrics();
        assertTrue(text.contains("cache_gets_total{cache=\"listing\",result=\"miss\"} 1.0"), text);
        assertTrue(text.contains("cache_gets_total{cache=\"listing\",result=\"hit\"} 1.0"), text);
        assertTrue(text.contains("popbridge_listing_store_total{op=\"skip\"} 1.0"), text);

        write(file, 9000);
        assertTrue(instance.reload("test"));
        assertEquals(3, statCount());
        text = metrics();
        // the same cache: a memory hit, counted by the same meters
        assertTrue(text.contains("cache_gets_total{cache=\"listing\",result=\"hit\"} 2.0"), text);
        assertEquals(5000, instance.config().mapping().listingCacheMaxMessages());
    }
}
