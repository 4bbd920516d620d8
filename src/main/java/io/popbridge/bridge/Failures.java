package io.popbridge.bridge;

import io.popbridge.imap.ImapException;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.MailboxException;
import java.util.Set;

/** Maps upstream failures to what the POP3 client may learn about them. */
final class Failures {

    /** RFC 5530 codes that mean the credentials (or the account) are the problem. */
    private static final Set<String> AUTH_CODES = Set.of("AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED",
            "PRIVACYREQUIRED", "CONTACTADMIN");

    private Failures() {
    }

    /** A failure during login: a plain NO means bad credentials, a code may say otherwise. */
    static MailboxException login(Throwable cause) {
        if (cause instanceof IllegalArgumentException) {
            return new MailboxException(FailureKind.AUTH, "credentials contain CR, LF or NUL; not sent upstream");
        }
        if (cause instanceof UnsupportedOperationException) {
            // a SASL mechanism the upstream does not offer: retrying will not help
            return new MailboxException(FailureKind.SYS_PERM, "login not possible: " + cause.getMessage(), cause);
        }
        if (cause instanceof ImapException.Rejected rejected) {
            String code = rejected.responseCode();
            if (code == null && "BAD".equals(rejected.status())) {
                // the server did not understand the login command: not the user's password
                return new MailboxException(FailureKind.SYS_PERM, "upstream refused the login command: "
                        + rejected.getMessage(), cause);
            }
            if (code == null || AUTH_CODES.contains(code)) {
                return new MailboxException(FailureKind.AUTH, "upstream rejected login", cause);
            }
            if ("INUSE".equals(code)) {
                return new MailboxException(FailureKind.IN_USE, "upstream says the mailbox is in use", cause);
            }
            if ("LOGINDISABLED".equals(code)) {
                return new MailboxException(FailureKind.SYS_PERM, "upstream disabled LOGIN on this connection "
                        + "(it probably wants TLS: use imaps:// or imap+starttls://)", cause);
            }
            return new MailboxException(FailureKind.SYS_TEMP, "upstream refused login: " + rejected.getMessage(), cause);
        }
        return upstream("login", cause);
    }

    /**
     * A failed FETCH of one message: a NO without a code, or with EXPUNGEISSUED / NONEXISTENT, is
     * what servers answer for a message another client removed (Dovecot: "Some messages could not
     * be FETCHed"), which POP3 reports as a plain -ERR for that message only.
     */
    static MailboxException fetch(String operation, Throwable cause) {
        if (cause instanceof ImapException.Rejected rejected && "NO".equals(rejected.status())) {
            String code = rejected.responseCode();
            if (code == null || "EXPUNGEISSUED".equals(code) || "NONEXISTENT".equals(code)) {
                return new MailboxException(FailureKind.MESSAGE_GONE, operation + ": " + rejected.getMessage(), cause);
            }
        }
        return upstream(operation, cause);
    }

    /**
     * Any other failure: a rejection that retrying will not cure is permanent, the rest (connection
     * lost, timeout, garbage) temporary.
     */
    static MailboxException upstream(String operation, Throwable cause) {
        if (cause instanceof MailboxException already) {
            return already;
        }
        if (cause instanceof ImapException.Insecure insecure) {
            // TLS verification, pin or STARTTLS failure: the operator must look, the user may retry
            return new MailboxException(FailureKind.SYS_TEMP, operation + " failed, upstream connection not secure: "
                    + insecure.getMessage(), cause);
        }
        if (cause instanceof ImapException.Rejected rejected) {
            String code = rejected.responseCode();
            FailureKind kind = "UNAVAILABLE".equals(code) || "INUSE".equals(code) || "LIMIT".equals(code)
                    || "SERVERBUG".equals(code) ? FailureKind.SYS_TEMP : FailureKind.SYS_PERM;
            return new MailboxException(kind, operation + " failed: " + rejected.getMessage(), cause);
        }
        return new MailboxException(FailureKind.SYS_TEMP, operation + " failed: " + describe(cause), cause);
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
