package io.popbridge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.MailboxException;
import io.popbridge.pop3.SessionContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each login by asking a web service, for sites with too many users for {@code routes}.
 *
 * <p>Request: {@code GET url?user=U&client=IP} or (with {@code post}) a {@code POST} of
 * {@code {"user":"U","client":"IP"}}; never a password. Response: {@code 200} with
 * {@code {"upstream":"imaps://host:993"}} and optionally {@code "login":"name"} (the name to send
 * upstream instead of the client's); {@code 404}: the service does not know the user, so the
 * file's routes and default apply. Anything else (other status, bad JSON, an upstream URL that is
 * not accepted, a timeout, no connection) is a failure: {@code -ERR [SYS/TEMP]}, or the file's
 * routes when {@link RouteLookupOptions#staticOnFailure()}.
 *
 * <p>Answers (200 and 404) are cached per user (case-insensitive) and client address with
 * Caffeine for {@link RouteLookupOptions#cacheTtl()}; concurrent logins of one key share one
 * request; failures are not cached. The request runs on the JDK HTTP client's threads; the result
 * is handed back through a promise of the session's event loop, which never blocks.
 */
public final class HttpRouteLookup implements RouteResolver {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRouteLookup.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RouteLookupOptions options;
    private final Router fallback;
    private final HttpClient http;
    private final AsyncCache<Key, Route> cache;

    /** @param fallback the file's routes: for 404 answers, and for failures if so configured */
    public HttpRouteLookup(RouteLookupOptions options, Router fallback) {
        this.options = Objects.requireNonNull(options, "options");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.http = HttpClient.newBuilder().connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.cache = Caffeine.newBuilder().expireAfterWrite(options.cacheTtl()).maximumSize(options.cacheSize())
                .buildAsync();
    }

    private record Key(String user, String client) {
    }

    @Override
    public Future<Route> resolve(String user, SessionContext context) {
        Promise<Route> promise = context.eventLoop().newPromise();
        Key key = new Key(user.toLowerCase(Locale.ROOT), clientIp(context));
        CompletableFuture<Route> answer = options.cacheTtl().isZero() || options.cacheSize() == 0
                ? ask(key, user) : cache.get(key, (k, executor) -> ask(k, user));
        answer.whenComplete((route, error) -> {
            if (error == null) {
                promise.trySuccess(route);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (options.staticOnFailure()) {
                LOG.warn("routing lookup for {} failed, routing by the configuration file: {}", user, reason(cause));
                promise.trySuccess(fallback.route(user));
            } else {
                LOG.warn("routing lookup for {} failed: {}", user, reason(cause));
                promise.tryFailure(new MailboxException(FailureKind.SYS_TEMP, "routing lookup failed: " + reason(cause)));
            }
        });
        return promise;
    }

    private static String reason(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static String clientIp(SessionContext context) {
        if (context.clientAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "";
    }

    private CompletableFuture<Route> ask(Key key, String user) {
        HttpRequest request;
        try {
            request = request(user, key.client());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> answer(user, response));
    }

    private HttpRequest request(String user, String client) {
        HttpRequest.Builder builder;
        if (options.post()) {
            ObjectNode body = JSON.createObjectNode().put("user", user).put("client", client);
            builder = HttpRequest.newBuilder(options.url())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            String base = options.url().toString();
            String query = "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                    + "&client=" + URLEncoder.encode(client, StandardCharsets.UTF_8);
            builder = HttpRequest.newBuilder(URI.create(base + (base.contains("?") ? "&" : "?") + query)).GET();
        }
        return builder.timeout(options.timeout()).header("Accept", "application/json").build();
    }

    private Route answer(String user, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 404) {
            return fallback.route(user);
        }
        if (status != 200) {
            throw new CompletionException(new IOException("HTTP status " + status));
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CompletionException(new IOException("response is not JSON"));
        }
        JsonNode upstream = body == null ? null : body.get("upstream");
        if (upstream == null || !upstream.isTextual()) {
            throw new CompletionException(new IOException("response has no \"upstream\" string"));
        }
        Route route;
        try {
            route = options.routeOf().apply(upstream.textValue());
        } catch (IllegalArgumentException e) {
            throw new CompletionException(new IOException("upstream not accepted: " + e.getMessage()));
        }
        JsonNode login = body.get("login");
        if (login == null || login.isNull()) {
            return route;
        }
        if (!login.isTextual() || login.textValue().isEmpty()
                || login.textValue().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new CompletionException(new IOException("\"login\" is not a usable name"));
        }
        return route.withLoginName(login.textValue());
    }
}
