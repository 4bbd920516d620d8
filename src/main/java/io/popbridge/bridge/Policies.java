package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.MailboxException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the delete policy to the messages deleted in a POP3 session (UPDATE state). Each policy
 * is a short chain of UID commands; a step runs only after the previous one was confirmed.
 */
final class Policies {

    private static final Logger log = LoggerFactory.getLogger(Policies.class);

    private Policies() {
    }

    /** Runs the policy over every UID set in turn; fails with the first failure. */
    static Future<Void> apply(ImapClient client, EventLoop loop, BridgeOptions options, SelectedMailbox selected, List<String> sets) {
        DeletePolicy policy = options.deletePolicy();
        String keyword = options.hideKeyword();
        Function<String, Future<Void>> step = switch (policy.kind()) {
            case HIDE -> set -> requireKeyword(loop, selected, keyword,
                    () -> client.uidStore(set, "+FLAGS.SILENT", List.of(keyword)));
            case SEEN -> set -> requireKeyword(loop, selected, keyword,
                    () -> client.uidStore(set, "+FLAGS.SILENT", List.of("\\Seen", keyword)));
            case MOVE -> set -> move(client, loop, set, policy.folder());
            case EXPUNGE -> set -> expunge(client, loop, set);
        };
        return Chain.each(loop, sets, step);
    }

    private static Future<Void> requireKeyword(EventLoop loop, SelectedMailbox selected, String keyword,
            Supplier<Future<Void>> store) {
        if (selected.readOnly() || !selected.allowsKeyword(keyword)) {
            return Chain.failed(loop, new MailboxException(FailureKind.SYS_PERM,
                    "upstream mailbox does not allow the keyword " + keyword + " (PERMANENTFLAGS)"));
        }
        return store.get();
    }

    private static Future<Void> move(ImapClient client, EventLoop loop, String set, String folder) {
        if (client.hasCapability("MOVE")) {
            return client.uidMove(set, folder);
        }
        if (!client.hasCapability("UIDPLUS")) {
            return Chain.failed(loop, new MailboxException(FailureKind.SYS_PERM,
                    "move policy needs MOVE or UIDPLUS upstream; the server has neither"));
        }
        return Chain.then(loop, client.uidCopy(set, folder), () -> expunge(client, loop, set));
    }

    private static Future<Void> expunge(ImapClient client, EventLoop loop, String set) {
        if (!client.hasCapability("UIDPLUS")) {
            return Chain.failed(loop, new MailboxException(FailureKind.SYS_PERM,
                    "expunge policy needs UID EXPUNGE (UIDPLUS); a plain EXPUNGE could remove other clients' mail"));
        }
        Promise<Void> done = loop.newPromise();
        Chain.then(loop, client.uidStore(set, "+FLAGS.SILENT", List.of("\\Deleted")), () -> client.uidExpunge(set))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        done.setSuccess(null);
                        return;
                    }
                    // QUIT will answer -ERR: take \Deleted back off, or the message would vanish
                    // from POP3 and be removed by the next client that runs a plain EXPUNGE.
                    client.uidStore(set, "-FLAGS.SILENT", List.of("\\Deleted")).addListener(undone -> {
                        if (!undone.isSuccess()) {
                            log.warn("UID EXPUNGE failed and \\Deleted could not be removed again from {}: {}",
                                    set, undone.cause().getMessage());
                        }
                        done.setFailure(f.cause());
                    });
                });
        return done;
    }
}
