package io.popbridge.server;

import io.popbridge.bridge.RouteLookupOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** {@code routing.lookup} as written in the file, validated (see docs/routing.md). */
record LookupSettings(URI url, boolean post, Duration timeout, Duration cacheTtl, int cacheSize,
        boolean staticOnFailure) {

    private static final List<String> ROUTING = List.of("lookup");
    private static final List<String> LOOKUP =
            List.of("url", "method", "timeout", "cache-ttl", "cache-size", "on-failure");

    /** The lookup, or null when the file has no {@code routing.lookup}. */
    static LookupSettings read(Section top) throws ConfigException {
        Section routing = top.section("routing", ROUTING);
        if (!routing.has("lookup")) {
            return null;
        }
        Section lookup = routing.section("lookup", LOOKUP);
        String text = lookup.string("url", null);
        if (text == null) {
            throw new ConfigException(lookup.name("url"), "missing: the lookup service, as in http://127.0.0.1:8080/route");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(lookup.name("url"), "'" + text + "' is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new ConfigException(lookup.name("url"), "expected an http:// or https:// URL with a host, found '"
                    + text + "'");
        }
        String method = lookup.string("method", "GET").toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new ConfigException(lookup.name("method"), "expected GET or POST, found '" + method + "'");
        }
        Duration timeout = lookup.duration("timeout", RouteLookupOptions.DEFAULT_TIMEOUT);
        Duration ttl = RouteLookupOptions.DEFAULT_CACHE_TTL;
        if (lookup.has("cache-ttl")) {
            ttl = lookup.zeroOrDuration("cache-ttl");
        }
        int size = lookup.integer("cache-size", RouteLookupOptions.DEFAULT_CACHE_SIZE, 0, 10_000_000);
        String failure = lookup.string("on-failure", "temp-fail");
        boolean staticOnFailure = switch (failure.toLowerCase(Locale.ROOT)) {
            case "temp-fail" -> false;
            case "static" -> true;
            default -> throw new ConfigException(lookup.name("on-failure"),
                    "expected temp-fail or static, found '" + failure + "'");
        };
        return new LookupSettings(url, method.equals("POST"), timeout, ttl, size, staticOnFailure);
    }
}
