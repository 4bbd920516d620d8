package io.popbridge.bridge;

import io.popbridge.mapping.MailboxKey;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The identity under which the mapping store keeps a user's mailbox. One definition, used by
 * the bridge and by the migration tools, so that UIDLs imported for a user are the ones the
 * bridge gives out to that user.
 *
 * <p>The key is the route's upstream ({@code host:port}), the name sent upstream (after the
 * route's login rewrite, without a device suffix) in lower case, and the IMAP mailbox name.
 * Lower case because IMAP servers treat user names case-insensitively in practice (Dovecot's
 * {@code auth_username_format = %Lu}); a POP3 client that logs in as {@code Alice} one day and
 * {@code alice} the next must not be given new UIDLs.
 */
public final class MailboxKeys {

    private MailboxKeys() {
    }

    /**
     * @param route the route the user was sent to
     * @param clientUser the user name as the POP3 client sent it, without a device suffix
     * @param mailbox the IMAP mailbox served (usually {@code INBOX})
     */
    public static MailboxKey of(Route route, String clientUser, String mailbox) {
        byte[] upstreamName = route.upstreamLogin(clientUser.getBytes(StandardCharsets.UTF_8));
        return new MailboxKey(route.label(), new String(upstreamName, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                mailbox);
    }
}
