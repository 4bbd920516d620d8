package io.popbridge.bridge;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of the HTTP routing lookup ({@code routing.lookup}).
 *
 * @param url the service; {@code http} or {@code https}
 * @param post true: POST a JSON object; false: GET with query parameters
 * @param timeout for the whole request, connection included
 * @param cacheTtl how long an answer is reused for the same user and client address
 * @param cacheSize how many answers are kept at most
 * @param staticOnFailure true: when the service fails, route by the file ({@code routes} and
 *     {@code upstream}); false: refuse the login with {@code -ERR [SYS/TEMP]}
 * @param routeOf turns an upstream URL from the service into a route (TLS and timeouts as the
 *     file's upstream); throws IllegalArgumentException for a URL it does not accept
 */
public record RouteLookupOptions(URI url, boolean post, Duration timeout, Duration cacheTtl, int cacheSize,
        boolean staticOnFailure, Function<String, Route> routeOf) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    public static final int DEFAULT_CACHE_SIZE = 100_000;

    public RouteLookupOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(routeOf, "routeOf");
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must not be negative: " + cacheSize);
        }
    }
}
