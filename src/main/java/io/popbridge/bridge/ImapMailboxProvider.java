package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.FetchedMessage;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxException;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.SessionContext;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens POP3 mailboxes by logging into the upstream IMAP server as the user: connect on the
 * session's event loop, LOGIN, SELECT the mailbox, then take the snapshot with
 * {@code UID FETCH 1:* (UID RFC822.SIZE FLAGS)}.
 */
public final class ImapMailboxProvider implements MailboxProvider {

    private static final Logger log = LoggerFactory.getLogger(ImapMailboxProvider.class);
    private static final List<String> LISTING_ITEMS = List.of("UID", "RFC822.SIZE", "FLAGS");

    private final BridgeOptions options;
    private final SizeCorrections sizes = new SizeCorrections(100_000);

    public ImapMailboxProvider(BridgeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public Future<Mailbox> open(Credentials credentials, SessionContext context) {
        Promise<Mailbox> promise = context.eventLoop().newPromise();
        ImapClient.connect(context.eventLoop(), options.upstream(), options.imap()).addListener(connected -> {
            if (!connected.isSuccess()) {
                credentials.wipe();
                promise.setFailure(Failures.upstream("connect to " + options.upstream().host(), connected.cause()));
                return;
            }
            ImapClient client = (ImapClient) connected.getNow();
            Future<Void> login = client.login(credentials.user(), credentials.password());
            credentials.wipe();
            login.addListener(loggedIn -> {
                if (!loggedIn.isSuccess()) {
                    fail(client, promise, Failures.login(loggedIn.cause()));
                    return;
                }
                client.select(options.mailbox(), false).addListener(selected -> {
                    if (!selected.isSuccess()) {
                        fail(client, promise, Failures.upstream("select " + options.mailbox(), selected.cause()));
                        return;
                    }
                    takeSnapshot(client, context.eventLoop(), credentials.userName(),
                            (SelectedMailbox) selected.getNow(), promise);
                });
            });
        });
        return promise;
    }

    private void takeSnapshot(ImapClient client, EventLoop loop, String user, SelectedMailbox selected,
            Promise<Mailbox> promise) {
        String mailboxKey = SizeCorrections.mailboxKey(options.upstream().host() + ":" + options.upstream().port(),
                user, options.mailbox(), selected.uidValidity());
        SizeCorrections.View learnt = sizes.view(mailboxKey);
        if (selected.exists() == 0) {
            // "1:*" on an empty mailbox is an error on some servers; there is nothing to list anyway.
            promise.setSuccess(new ImapMailbox(client, loop, options, selected, Snapshot.EMPTY, learnt));
            return;
        }
        client.uidFetch("1:*", LISTING_ITEMS).addListener(fetched -> {
            if (!fetched.isSuccess()) {
                fail(client, promise, Failures.upstream("listing", fetched.cause()));
                return;
            }
            @SuppressWarnings("unchecked")
            List<FetchedMessage> listing = (List<FetchedMessage>) fetched.getNow();
            Snapshot snapshot = Snapshot.of(listing, selected.uidValidity(), options.hideKeyword(), learnt::size);
            promise.setSuccess(new ImapMailbox(client, loop, options, selected, snapshot, learnt));
        });
    }

    private static void fail(ImapClient client, Promise<Mailbox> promise, MailboxException failure) {
        log.info("mailbox open failed: {}", failure.getMessage());
        client.close();
        promise.setFailure(failure);
    }

    static boolean hasFlag(FetchedMessage message, String flag) {
        String lower = flag.toLowerCase(Locale.ROOT);
        for (String f : message.flags()) {
            if (f.toLowerCase(Locale.ROOT).equals(lower)) {
                return true;
            }
        }
        return false;
    }
}
