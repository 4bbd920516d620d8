package io.popbridge.pop3;

/**
 * The messages of a POP3 snapshot, numbered 1 to {@link #count()}: what STAT, LIST and UIDL
 * report. Never changes during the session.
 *
 * <p>Implementations may keep a compact form and produce a UIDL on each call; every call for the
 * same message must return an equal value. Message numbers are validated by the caller; an
 * implementation may throw {@link IndexOutOfBoundsException} for one outside 1..count().
 */
public interface MessageList {

    /** A list of no messages. */
    MessageList EMPTY = new MessageList() {
        @Override
        public int count() {
            return 0;
        }

        @Override
        public long size(int number) {
            throw new IndexOutOfBoundsException(number);
        }

        @Override
        public String uidl(int number) {
            throw new IndexOutOfBoundsException(number);
        }
    };

    /** The number of messages. */
    int count();

    /** The exact octet count RETR will send for message {@code number} (CRLF line ends, before dot-stuffing). */
    long size(int number);

    /** The unique-id listing of message {@code number}: 1 to 70 characters in 0x21..0x7E (RFC 1939). */
    String uidl(int number);
}
