package io.popbridge.imap;

/** Malformed or over-limit server data, raised while parsing; becomes {@link ImapException.Protocol}. */
final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
