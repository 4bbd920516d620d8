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
 */
public record OpsSettings(boolean adminEnabled, InetSocketAddress adminAddress, List<CidrRange> trustedProxies,
        Duration shutdownGrace) {

    public static final InetSocketAddress DEFAULT_ADMIN_ADDRESS = new InetSocketAddress("127.0.0.1", 9110);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    public OpsSettings {
        Objects.requireNonNull(adminAddress, "adminAddress");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative: " + shutdownGrace);
        }
    }

    public static OpsSettings defaults() {
        return new OpsSettings(true, DEFAULT_ADMIN_ADDRESS, List.of(), DEFAULT_SHUTDOWN_GRACE);
    }
}
