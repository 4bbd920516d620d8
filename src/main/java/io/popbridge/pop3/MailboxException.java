package io.popbridge.pop3;

/**
 * A failed mailbox operation. The message is for logs only and must not contain secrets or message
 * content; clients only ever see the reply chosen by {@link #kind()}, or the fixed text given to
 * {@link #withReply} (never upstream text: it is the bridge's own explanation, e.g. of a malformed
 * login name).
 */
public final class MailboxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private String replyText;

    public MailboxException(FailureKind kind, String logMessage) {
        super(logMessage);
        this.kind = kind;
    }

    public MailboxException(FailureKind kind, String logMessage, Throwable cause) {
        super(logMessage, cause);
        this.kind = kind;
    }

    /**
     * A failure whose reply says {@code replyText} after the response code, e.g. {@code -ERR [AUTH]
     * <replyText>}; the text is the server's own (printable ASCII, at most 200 characters), never
     * upstream or client input.
     */
    public static MailboxException withReply(FailureKind kind, String logMessage, String replyText) {
        if (replyText.length() > 200 || !replyText.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("reply text must be printable ASCII, at most 200 characters");
        }
        MailboxException e = new MailboxException(kind, logMessage);
        e.replyText = replyText;
        return e;
    }

    /** The text of the reply if {@link #withReply} set one, else null. */
    public String replyText() {
        return replyText;
    }

    public FailureKind kind() {
        return kind;
    }
}
