package io.popbridge.pop3;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection and session limits of the POP3 front end.
 *
 * @param maxConnections open client connections overall, counted across all listeners of a server
 * @param maxConnectionsPerAddress open client connections per client address (the PROXY header's
 *     source where the listener takes one)
 * @param maxSessionsPerUser logged-in sessions per user name (case-insensitive), from all addresses
 * @param loginDeadline absolute time from the greeting by which a client must be logged in, whatever
 *     it sends meanwhile (zero disables it)
 * @param authPenalty whether failed logins from one client address wait longer and longer
 *     (2, 4, 8, 15 s; see {@link AuthPenalty})
 * @param maxSessionsPerUserAndAddress logged-in sessions per user name from one client address (as
 *     Dovecot's {@code mail_max_userip_connections})
 */
public record LimitOptions(int maxConnections, int maxConnectionsPerAddress, int maxSessionsPerUser,
        Duration loginDeadline, boolean authPenalty, int maxSessionsPerUserAndAddress) {

    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 50;
    public static final int DEFAULT_MAX_SESSIONS_PER_USER = 50;
    public static final int DEFAULT_MAX_SESSIONS_PER_USER_AND_ADDRESS = 10;
    public static final Duration DEFAULT_LOGIN_DEADLINE = Duration.ofMinutes(2);

    /** @throws IllegalArgumentException naming the setting that is out of range */
    public LimitOptions {
        requirePositive(maxConnections, "maxConnections");
        requirePositive(maxConnectionsPerAddress, "maxConnectionsPerAddress");
        requirePositive(maxSessionsPerUser, "maxSessionsPerUser");
        requirePositive(maxSessionsPerUserAndAddress, "maxSessionsPerUserAndAddress");
        Objects.requireNonNull(loginDeadline, "loginDeadline");
        if (loginDeadline.isNegative()) {
            throw new IllegalArgumentException("loginDeadline must not be negative (zero disables it): " + loginDeadline);
        }
    }

    /** With the per-user cap also as the per-user-and-address cap. */
    public LimitOptions(int maxConnections, int maxConnectionsPerAddress, int maxSessionsPerUser,
            Duration loginDeadline, boolean authPenalty) {
        this(maxConnections, maxConnectionsPerAddress, maxSessionsPerUser, loginDeadline, authPenalty,
                maxSessionsPerUser);
    }

    /**
     * 10000 connections, 50 per address, 50 sessions per user and 10 per user and address, 2
     * minutes to log in, penalty on.
     */
    public static LimitOptions defaults() {
        return new LimitOptions(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                DEFAULT_MAX_SESSIONS_PER_USER, DEFAULT_LOGIN_DEADLINE, true, DEFAULT_MAX_SESSIONS_PER_USER_AND_ADDRESS);
    }

    private static void requirePositive(int value, String setting) {
        if (value < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1: " + value);
        }
    }
}
