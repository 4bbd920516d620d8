package io.popbridge.pop3;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counters behind {@link LimitOptions}: open connections overall and per client address, and
 * logged-in sessions per user and per user and client address. One instance is shared by every listener of a server; the counters
 * are touched from many event loops at once, so everything here is thread-safe and non-blocking.
 * A per-address or per-user entry is removed when its count drops to zero, so memory follows the
 * open connections.
 */
public final class ConnectionLimits {

    private volatile LimitOptions options;
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UserAddress, AtomicInteger> perUserAddress = new ConcurrentHashMap<>();

    private final AuthPenalty penalty;

    public ConnectionLimits(LimitOptions options) {
        this(options, new AuthPenalty());
    }

    ConnectionLimits(LimitOptions options, AuthPenalty penalty) {
        this.options = Objects.requireNonNull(options, "options");
        this.penalty = Objects.requireNonNull(penalty, "penalty");
    }

    /**
     * Applies new limits (a configuration reload) to connections and logins from now on; what is
     * already counted stays counted, so a lowered limit refuses new ones until enough have ended.
     */
    public void update(LimitOptions newOptions) {
        this.options = Objects.requireNonNull(newOptions, "newOptions");
    }

    /**
     * A login from {@code client} failed: the delay before its reply, at least {@code base}, longer
     * after recent failures from the same address when the penalty is on.
     */
    Duration loginFailed(SocketAddress client, Duration base) {
        InetAddress address = ip(client);
        return !options.authPenalty() || address == null ? base : penalty.failed(address, base);
    }

    /** A login from {@code client} succeeded: its address's penalty is forgotten. */
    void loginSucceeded(SocketAddress client) {
        InetAddress address = ip(client);
        if (options.authPenalty() && address != null) {
            penalty.succeeded(address);
        }
    }

    public LimitOptions options() {
        return options;
    }

    /**
     * Counts a new connection from {@code client} if both the overall and the per-address limit
     * allow it. A true result must be matched by one {@link #releaseConnection}. An address that is
     * not an IP address (a local transport) counts only against the overall limit.
     */
    public boolean tryAcquireConnection(SocketAddress client) {
        LimitOptions options = this.options;
        if (connections.incrementAndGet() > options.maxConnections()) {
            connections.decrementAndGet();
            return false;
        }
        InetAddress address = ip(client);
        if (address != null && !tryIncrement(perAddress, address, options.maxConnectionsPerAddress())) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    public void releaseConnection(SocketAddress client) {
        InetAddress address = ip(client);
        if (address != null) {
            decrement(perAddress, address);
        }
        connections.decrementAndGet();
    }

    /**
     * Counts a login of {@code user} (case-insensitive) from {@code client} if both the per-user and
     * the per-user-and-address limit allow it. A true result must be matched by one
     * {@link #releaseSession} with the same arguments. A client that is not an IP address counts
     * only against the per-user limit.
     */
    public boolean tryAcquireSession(String user, SocketAddress client) {
        LimitOptions options = this.options;
        String key = key(user);
        if (!tryIncrement(perUser, key, options.maxSessionsPerUser())) {
            return false;
        }
        InetAddress address = ip(client);
        if (address != null && !tryIncrement(perUserAddress, new UserAddress(key, address),
                options.maxSessionsPerUserAndAddress())) {
            decrement(perUser, key);
            return false;
        }
        return true;
    }

    public void releaseSession(String user, SocketAddress client) {
        String key = key(user);
        InetAddress address = ip(client);
        if (address != null) {
            decrement(perUserAddress, new UserAddress(key, address));
        }
        decrement(perUser, key);
    }

    /** Logged-in sessions of {@code user} from {@code address}. */
    public int sessions(String user, InetAddress address) {
        AtomicInteger n = perUserAddress.get(new UserAddress(key(user), address));
        return n == null ? 0 : n.get();
    }

    private record UserAddress(String user, InetAddress address) {
    }

    /** Open connections overall (for tests and metrics). */
    public int connections() {
        return connections.get();
    }

    /** Open connections from {@code address}. */
    public int connections(InetAddress address) {
        AtomicInteger n = perAddress.get(address);
        return n == null ? 0 : n.get();
    }

    /** Logged-in sessions of {@code user}. */
    public int sessions(String user) {
        AtomicInteger n = perUser.get(key(user));
        return n == null ? 0 : n.get();
    }

    private static String key(String user) {
        return user.toLowerCase(Locale.ROOT);
    }

    private static InetAddress ip(SocketAddress client) {
        return client instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    private static <K> boolean tryIncrement(ConcurrentHashMap<K, AtomicInteger> map, K key, int max) {
        boolean[] ok = new boolean[1];
        // compute runs atomically per key, so creation, increment and removal never race
        map.compute(key, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < max) {
                count.incrementAndGet();
                ok[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        return ok[0];
    }

    private static <K> void decrement(ConcurrentHashMap<K, AtomicInteger> map, K key) {
        map.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
