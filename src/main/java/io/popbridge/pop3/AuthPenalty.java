package io.popbridge.pop3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The growing failed-login delay per client address, as Dovecot's {@code auth_penalty}: after the
 * 1st, 2nd, 3rd and later recent failure from an address its next failed login waits 2, 4, 8 and
 * 15 seconds (or the configured failure delay, if that is longer). A successful login from the
 * address, or {@link #FORGET_AFTER} without a failure, resets it.
 *
 * <p>Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are remembered, each at most
 * {@link #FORGET_AFTER} after its last failure. Thread-safe.
 */
final class AuthPenalty {

    static final Duration FORGET_AFTER = Duration.ofMinutes(5);
    static final long MAX_ADDRESSES = 100_000;
    static final Duration MAX_PENALTY = Duration.ofSeconds(15);

    private final Cache<InetAddress, Integer> failures;

    AuthPenalty() {
        this(Ticker.systemTicker());
    }

    /** @param ticker the clock for forgetting (tests pass their own) */
    AuthPenalty(Ticker ticker) {
        failures = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(FORGET_AFTER)
                .maximumSize(MAX_ADDRESSES)
                .build();
    }

    /** Counts a failed login from {@code address}; returns the delay its reply should wait. */
    Duration failed(InetAddress address, Duration base) {
        Integer n = failures.asMap().merge(address, 1, Integer::sum);
        return max(base, penalty(n));
    }

    /** A successful login from {@code address} forgets its failures. */
    void succeeded(InetAddress address) {
        failures.invalidate(address);
    }

    /** Recent failures remembered for {@code address}. */
    int failures(InetAddress address) {
        Integer n = failures.getIfPresent(address);
        return n == null ? 0 : n;
    }

    /** 2, 4, 8, then 15 s for the 1st, 2nd, 3rd and later failure. */
    static Duration penalty(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        if (failures >= 4) {
            return MAX_PENALTY;
        }
        return Duration.ofSeconds(1L << failures);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
