package io.popbridge.migrate;

/**
 * A user could not be migrated. The message is one line meant for the admin's report; it never
 * holds a password or message content (server replies to PASS are not repeated).
 */
public final class MigrationException extends Exception {

    /** What went wrong, for the report and the exit status. */
    public enum Kind {
        /** The old or new server refused the credentials. */
        AUTH,
        /** A server could not be reached, or the connection broke or timed out. */
        CONNECT,
        /** TLS could not be established or the certificate was not trusted. */
        TLS,
        /** A server answered something this tool cannot use (no UIDL, malformed listing). */
        PROTOCOL,
        /** The mapping store failed. */
        STORE
    }

    private final Kind kind;

    public MigrationException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public MigrationException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
