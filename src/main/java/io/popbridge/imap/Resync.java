package io.popbridge.imap;

/**
 * The answer to {@code SELECT mailbox (QRESYNC (...))}: the selected state plus what changed since
 * the client's mod-sequence. When the UIDVALIDITY differs from the client's, the server sends no
 * changes and the client must list the mailbox afresh.
 */
public record Resync(SelectedMailbox selected, Changes changes) {
}
