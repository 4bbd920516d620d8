package io.popbridge.mapping;

/**
 * A mapping store failure: the database is unreachable, its schema does not fit this binary, or a
 * statement failed. The message is written for an admin and never contains a password.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
