package io.popbridge.pop3;

/**
 * Reply texts that do not belong to a single command, and the one place where a
 * {@link FailureKind} becomes what the client sees. No exception or upstream text ever goes into
 * a reply; client input is echoed only through {@link #echo(String)}.
 */
final class Pop3Replies {

    static final String GREETING = "+OK popbridge ready.";
    static final String LINE_TOO_LONG = "-ERR Line too long";
    static final String TOO_MANY_BAD_COMMANDS = "-ERR Too many bad commands.";
    static final String INACTIVITY = "-ERR Disconnected for inactivity.";
    static final String TOO_MANY_CONNECTIONS = "-ERR [SYS/TEMP] Too many connections.";
    static final String TOO_MANY_SESSIONS = "-ERR [IN-USE] Too many sessions for this user.";
    static final String LOGIN_DEADLINE = "-ERR [SYS/TEMP] Disconnected: not logged in in time.";
    static final String SHUTTING_DOWN = "-ERR [SYS/TEMP] Server shutting down.";

    private static final int ECHO_LIMIT = 40;

    private Pop3Replies() {
    }

    /** The reply for a failed mailbox operation, with its RFC 3206 response code. */
    static String failure(FailureKind kind) {
        return switch (kind) {
            case AUTH -> "-ERR [AUTH] Authentication failed.";
            case IN_USE -> "-ERR [IN-USE] Mailbox is in use by another session, try again later.";
            case SYS_TEMP -> "-ERR [SYS/TEMP] Temporary server failure, try again later.";
            case SYS_PERM -> "-ERR [SYS/PERM] Permanent server failure.";
            case MESSAGE_GONE -> "-ERR Message was removed by another client.";
        };
    }

    /** As {@link #failure(FailureKind)} for the kind of {@code cause}, with its own reply text if it has one. */
    static String failure(Throwable cause) {
        String standard = failure(kindOf(cause));
        if (cause instanceof MailboxException e && e.replyText() != null) {
            int code = standard.indexOf("] ");
            return (code < 0 ? "-ERR" : standard.substring(0, code + 1)) + " " + e.replyText();
        }
        return standard;
    }

    /** The reply to QUIT once the deletions (if any) are applied. */
    static String loggingOut(int deleted) {
        return switch (deleted) {
            case 0 -> "+OK Logging out.";
            case 1 -> "+OK Logging out, 1 message deleted.";
            default -> "+OK Logging out, " + deleted + " messages deleted.";
        };
    }

    /** The kind of any failure: a {@link MailboxException} says it, anything else is temporary. */
    static FailureKind kindOf(Throwable cause) {
        return cause instanceof MailboxException e ? e.kind() : FailureKind.SYS_TEMP;
    }

    /**
     * Client input made safe to echo in a reply or a log: printable ASCII only (anything else
     * becomes '?'), and at most a few dozen characters.
     */
    static String echo(String input) {
        int n = Math.min(input.length(), ECHO_LIMIT);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = input.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (input.length() > ECHO_LIMIT) {
            sb.append("...");
        }
        return sb.toString();
    }
}
