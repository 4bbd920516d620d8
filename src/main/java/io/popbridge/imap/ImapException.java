package io.popbridge.imap;

/**
 * An upstream IMAP failure. Subclasses say which kind; messages are for logs and never contain
 * credentials or message content.
 */
public class ImapException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImapException(String message) {
        super(message);
    }

    public ImapException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server answered the command with a tagged NO or BAD. */
    public static final class Rejected extends ImapException {
        private static final long serialVersionUID = 1L;
        private final String status;
        private final String responseCode;

        /**
         * @param status "NO" or "BAD"
         * @param responseCode the bracketed response code's atom, upper case (e.g.
         *     "AUTHENTICATIONFAILED", "UNAVAILABLE"), or null
         */
        public Rejected(String command, String status, String responseCode, String text) {
            super(command + " answered " + status + (responseCode == null ? "" : " [" + responseCode + "]")
                    + ": " + text);
            this.status = status;
            this.responseCode = responseCode;
        }

        public String status() {
            return status;
        }

        public String responseCode() {
            return responseCode;
        }
    }

    /** The server sent data that does not parse, or exceeds a configured limit. */
    public static final class Protocol extends ImapException {
        private static final long serialVersionUID = 1L;

        public Protocol(String message) {
            super(message);
        }
    }

    /** No response within the command timeout, or no greeting within the connect timeout. */
    public static final class Timeout extends ImapException {
        private static final long serialVersionUID = 1L;

        public Timeout(String message) {
            super(message);
        }
    }

    /** The connection failed, closed, or the server sent BYE before the command completed. */
    public static final class Closed extends ImapException {
        private static final long serialVersionUID = 1L;

        public Closed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The connection could not be secured as configured: TLS handshake or certificate verification
     * failed, the public key matches no pin, or STARTTLS was not offered, refused or bypassed
     * (PREAUTH). Nothing was sent that needs the protection.
     */
    public static final class Insecure extends ImapException {
        private static final long serialVersionUID = 1L;

        public Insecure(String message) {
            super(message);
        }

        public Insecure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
