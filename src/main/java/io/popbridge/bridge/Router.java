package io.popbridge.bridge;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses the upstream of a user: an exact user entry beats a domain entry, which beats the
 * default. Users and domains match case-insensitively; the domain is what follows the last
 * {@code @} of the name the POP3 client sent. Immutable and thread-safe.
 */
public final class Router implements RouteResolver {

    private final Route fallback;
    private final Map<String, Route> users;
    private final Map<String, Route> domains;

    /**
     * @param fallback the route of users no entry matches
     * @param users exact user names (any case) to routes
     * @param domains domains (any case, without {@code @}) to routes
     * @throws IllegalArgumentException if two keys differ only in case
     */
    public Router(Route fallback, Map<String, Route> users, Map<String, Route> domains) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.users = lowerKeys(users, "user");
        this.domains = lowerKeys(domains, "domain");
    }

    /** Every user on {@code route}. */
    public static Router single(Route route) {
        return new Router(route, Map.of(), Map.of());
    }

    /** The route of {@code user}, the name as the POP3 client sent it. */
    public Route route(String user) {
        String lower = user.toLowerCase(Locale.ROOT);
        Route exact = users.get(lower);
        if (exact != null) {
            return exact;
        }
        int at = lower.lastIndexOf('@');
        if (at >= 0) {
            Route byDomain = domains.get(lower.substring(at + 1));
            if (byDomain != null) {
                return byDomain;
            }
        }
        return fallback;
    }

    /** {@link #route(String)}, already complete. */
    @Override
    public io.netty.util.concurrent.Future<Route> resolve(String user, io.popbridge.pop3.SessionContext context) {
        return context.eventLoop().newSucceededFuture(route(user));
    }

    /** The route of users no entry matches. */
    public Route fallback() {
        return fallback;
    }

    /** Every route: the fallback first, then user entries, then domain entries (may repeat an upstream). */
    public java.util.List<Route> routes() {
        java.util.List<Route> all = new java.util.ArrayList<>();
        all.add(fallback);
        all.addAll(users.values());
        all.addAll(domains.values());
        return all;
    }

    /** Number of user and domain entries. */
    public int size() {
        return users.size() + domains.size();
    }

    private static Map<String, Route> lowerKeys(Map<String, Route> map, String what) {
        Map<String, Route> lower = new LinkedHashMap<>();
        map.forEach((key, route) -> {
            Objects.requireNonNull(route, "route");
            if (lower.put(key.toLowerCase(Locale.ROOT), route) != null) {
                throw new IllegalArgumentException("duplicate " + what + " '" + key + "'");
            }
        });
        return Map.copyOf(lower);
    }
}
