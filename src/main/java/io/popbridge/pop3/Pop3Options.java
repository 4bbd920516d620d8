package io.popbridge.pop3;

import java.time.Duration;

/**
 * Settings of the POP3 front end.
 *
 * @param maxLineLength longest command line in octets, CRLF excluded (RFC 2449: 255)
 * @param idleTimeout inactivity after which a session is closed (RFC 1939: at least 10 minutes)
 * @param loginTimeout inactivity allowed before login
 * @param maxBadCommands unknown or malformed commands tolerated per state before closing
 * @param implementation the CAPA IMPLEMENTATION text, or null to not advertise it
 */
public record Pop3Options(int maxLineLength, Duration idleTimeout, Duration loginTimeout, int maxBadCommands,
        String implementation) {

    public static Pop3Options defaults() {
        return new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 10, "popbridge");
    }
}
