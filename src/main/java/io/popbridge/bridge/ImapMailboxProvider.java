package io.popbridge.bridge;

import io.netty.util.concurrent.Future;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.SessionContext;

/** Opens POP3 mailboxes by logging into the upstream IMAP server as the user. */
public final class ImapMailboxProvider implements MailboxProvider {

    private final BridgeOptions options;

    public ImapMailboxProvider(BridgeOptions options) {
        this.options = options;
    }

    @Override
    public Future<Mailbox> open(Credentials credentials, SessionContext context) {
        throw new UnsupportedOperationException("TODO");
    }
}
