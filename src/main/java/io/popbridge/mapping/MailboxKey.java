package io.popbridge.mapping;

import java.util.Objects;

/**
 * Identifies one upstream mailbox in the store: the upstream it lives on, the upstream user name
 * and the mailbox name (usually {@code INBOX}).
 *
 * @param upstream a stable name of the upstream (a configured upstream id, not a resolved
 *     address), so that moving the upstream to another address keeps the UIDLs
 * @param user the user name as given to the upstream
 * @param mailbox the IMAP mailbox name
 */
public record MailboxKey(String upstream, String user, String mailbox) {
    public MailboxKey {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(mailbox, "mailbox");
    }
}
