package io.popbridge.pop3;

/**
 * Told what POP3 sessions do, for metrics. Every method has a no-op default, so an observer
 * implements only what it counts.
 *
 * <p>Threading: called on the session's event loop; one instance serves many sessions on many
 * event loops at once, so implementations must be thread-safe and must not block. An exception
 * thrown here is the observer's bug; callers do not guard against it.
 */
public interface SessionObserver {

    /** Observes nothing. */
    SessionObserver NONE = new SessionObserver() {
    };

    /** A client connection became a POP3 session (after the PROXY header, where one is expected). */
    default void sessionStarted() {
    }

    /** A session's connection closed. Called once per {@link #sessionStarted()}. */
    default void sessionEnded() {
    }

    /** A login finished: {@code failure} is null when it succeeded. */
    default void login(FailureKind failure) {
    }

    /**
     * A command finished.
     *
     * @param verb the command's upper-case verb, or {@code UNKNOWN} for a verb this state does not
     *     know (never the client's text: it would make an unbounded label)
     * @param ok whether the reply was positive
     * @param nanos from reading the command to its reply (the end of a RETR/TOP body, or the QUIT
     *     reply after UPDATE)
     */
    default void command(String verb, boolean ok, long nanos) {
    }

    /**
     * A connection was closed before it became a session.
     *
     * @param reason {@code untrusted_proxy} (a PROXY listener's peer is outside the trusted
     *     networks), {@code bad_proxy_header} (malformed, or not complete within the login timeout)
     *     or {@code too_many_connections} (over {@code limits.max-connections} or
     *     {@code limits.max-connections-per-address}; answered with {@code -ERR [SYS/TEMP]} first)
     */
    default void connectionRefused(String reason) {
    }

    /** Octets of POP3 replies written to a client (before TLS). */
    default void sent(long octets) {
    }
}
