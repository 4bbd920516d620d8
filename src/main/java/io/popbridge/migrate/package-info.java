/**
 * Migration tools: {@code popbridge uidl import} reads the UIDLs (RFC 1939 section 7) a user's old
 * POP3 server gave out, matches the messages to the user's IMAP mailbox behind popbridge and
 * stores the old UIDLs in the mapping store, so that moving users re-downloads nothing.
 * See docs/mapping.md, "Migrating from a POP3 server".
 */
package io.popbridge.migrate;
