package io.popbridge.pop3;

/**
 * A failed mailbox operation. The message is for logs only and must not contain secrets or message
 * content; clients only ever see the reply chosen by {@link #kind()}.
 */
public final class MailboxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;

    public MailboxException(FailureKind kind, String logMessage) {
        super(logMessage);
        this.kind = kind;
    }

    public MailboxException(FailureKind kind, String logMessage, Throwable cause) {
        super(logMessage, cause);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
