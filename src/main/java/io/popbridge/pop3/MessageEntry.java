package io.popbridge.pop3;

/**
 * One message of the POP3 snapshot.
 *
 * @param size the exact octet count RETR will send (CRLF line ends, before dot-stuffing)
 * @param uidl the unique-id listing, 1 to 70 characters in 0x21..0x7E (RFC 1939)
 */
public record MessageEntry(long size, String uidl) {
}
