package io.popbridge.server;

import io.popbridge.pop3.CidrRange;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The operations settings.
 *
 * @param adminEnabled whether the admin HTTP listener (metrics, health) runs
 * @param adminAddress where it listens (default {@code 127.0.0.1:9110})
 * @param trustedProxies {@code proxy.trusted-networks}: where PROXY protocol headers are accepted from
 * @param shutdownGrace how long open sessions may run on after SIGTERM (default 30 s)
 * @param watchConfig {@code reload.watch-config}: whether a change of the configuration file reloads
 *     it, as SIGHUP does (default false)
 * @param watchInterval {@code reload.watch-interval}: how often the file is checked (default 2 s)
 */
public record OpsSettings(boolean adminEnabled, InetSocketAddress adminAddress, List<CidrRange> trustedProxies,
        Duration shutdownGrace, boolean watchConfig, Duration watchInterval) {

    public static final InetSocketAddress DEFAULT_ADMIN_ADDRESS = new InetSocketAddress("127.0.0.1", 9110);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(2);

    public OpsSettings {
        Objects.requireNonNull(adminAddress, "adminAddress");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative: " + shutdownGrace);
        }
        Objects.requireNonNull(watchInterval, "watchInterval");
        if (watchInterval.isNegative() || watchInterval.isZero()) {
            throw new IllegalArgumentException("watchInterval must be positive: " + watchInterval);
        }
    }

    /** Without watching the configuration file. */
    public OpsSettings(boolean adminEnabled, InetSocketAddress adminAddress, List<CidrRange> trustedProxies,
            Duration shutdownGrace) {
        this(adminEnabled, adminAddress, trustedProxies, shutdownGrace, false, DEFAULT_WATCH_INTERVAL);
    }

    public static OpsSettings defaults() {
        return new OpsSettings(true, DEFAULT_ADMIN_ADDRESS, List.of(), DEFAULT_SHUTDOWN_GRACE);
    }
}
