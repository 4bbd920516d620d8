package io.popbridge.pop3;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the POP3 front end.
 *
 * @param maxLineLength longest command line in octets, CRLF excluded (RFC 2449: 255)
 * @param idleTimeout inactivity after which a session is closed (RFC 1939: at least 10 minutes)
 * @param loginTimeout inactivity allowed before login
 * @param maxBadCommands unknown or malformed commands tolerated per state before closing
 * @param implementation the CAPA IMPLEMENTATION text, or null to not advertise it
 * @param auth how clients may log in
 * @param limits connection and session limits
 */
public record Pop3Options(int maxLineLength, Duration idleTimeout, Duration loginTimeout, int maxBadCommands,
        String implementation, AuthOptions auth, LimitOptions limits) {

    /** Longest AUTH command or SASL response line in octets, CRLF excluded. */
    public static final int MAX_AUTH_LINE_LENGTH = 8192;

    public Pop3Options {
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
    }

    /** With {@link LimitOptions#defaults()}. */
    public Pop3Options(int maxLineLength, Duration idleTimeout, Duration loginTimeout, int maxBadCommands,
            String implementation, AuthOptions auth) {
        this(maxLineLength, idleTimeout, loginTimeout, maxBadCommands, implementation, auth, LimitOptions.defaults());
    }

    /** With {@link AuthOptions#defaults()}. */
    public Pop3Options(int maxLineLength, Duration idleTimeout, Duration loginTimeout, int maxBadCommands,
            String implementation) {
        this(maxLineLength, idleTimeout, loginTimeout, maxBadCommands, implementation, AuthOptions.defaults());
    }

    public static Pop3Options defaults() {
        return new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 10, "popbridge");
    }

    /** The same settings with {@code newAuth}. */
    public Pop3Options withAuth(AuthOptions newAuth) {
        return new Pop3Options(maxLineLength, idleTimeout, loginTimeout, maxBadCommands, implementation, newAuth,
                limits);
    }

    /** The same settings with {@code newLimits}. */
    public Pop3Options withLimits(LimitOptions newLimits) {
        return new Pop3Options(maxLineLength, idleTimeout, loginTimeout, maxBadCommands, implementation, auth,
                newLimits);
    }
}
