package io.popbridge.bridge;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a logged-in upstream IMAP session is kept after a POP3 session ends cleanly, for the
 * same user's next poll ({@code upstream.reuse} in the configuration; see docs/security.md).
 *
 * @param idleTime how long an idle session is kept; zero disables reuse
 * @param maxIdle the most idle sessions kept at once (over all users); at most one per user
 * @param maxAge how long after its real upstream login a session may still be handed out: bounds
 *     how long a password change or account lock upstream can go unnoticed by reuse
 */
public record ReuseOptions(Duration idleTime, int maxIdle, Duration maxAge) {

    public static final Duration DEFAULT_IDLE_TIME = Duration.ofSeconds(15);
    public static final Duration MAX_IDLE_TIME = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_IDLE = 1000;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(1);
    public static final Duration MAX_MAX_AGE = Duration.ofHours(1);

    /** Reuse off: every POP3 login logs in upstream. */
    public static final ReuseOptions DISABLED = new ReuseOptions(Duration.ZERO, DEFAULT_MAX_IDLE, DEFAULT_MAX_AGE);
    public static final ReuseOptions DEFAULTS = new ReuseOptions(DEFAULT_IDLE_TIME, DEFAULT_MAX_IDLE, DEFAULT_MAX_AGE);

    public ReuseOptions {
        Objects.requireNonNull(idleTime, "idleTime");
        if (idleTime.isNegative() || idleTime.compareTo(MAX_IDLE_TIME) > 0) {
            throw new IllegalArgumentException("upstream.reuse.idle-time: must be from 0 (off) to 5m");
        }
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.compareTo(idleTime) < 0 || maxAge.compareTo(MAX_MAX_AGE) > 0) {
            throw new IllegalArgumentException("upstream.reuse.max-age: must be from idle-time to 1h");
        }
        if (maxIdle < 1) {
            throw new IllegalArgumentException("upstream.reuse.max-idle: must be at least 1");
        }
    }

    /** As {@link #ReuseOptions(Duration, int, Duration)} with the default max-age (or idle-time if longer). */
    public ReuseOptions(Duration idleTime, int maxIdle) {
        this(idleTime, maxIdle, idleTime.compareTo(DEFAULT_MAX_AGE) > 0 ? idleTime : DEFAULT_MAX_AGE);
    }

    public boolean enabled() {
        return !idleTime.isZero();
    }
}
