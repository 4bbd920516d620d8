package io.popbridge.pop3;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;

/** Opens a {@link FakeMailbox} for one password, fails otherwise; or waits for the test. */
final class FakeProvider implements MailboxProvider {

    final List<Credentials> seen = new ArrayList<>();
    final List<SessionContext> contexts = new ArrayList<>();
    final List<TokenLogin> tokens = new ArrayList<>();
    FakeMailbox mailbox;
    String password = "secret";
    FailureKind failWith;
    boolean defer;
    Promise<Mailbox> pending;

    @Override
    public Future<Mailbox> open(Credentials credentials, SessionContext context) {
        seen.add(credentials);
        contexts.add(context);
        if (mailbox == null) {
            mailbox = new FakeMailbox(context.eventLoop());
        } else if (mailbox.loop == null) {
            mailbox.loop = context.eventLoop();
        }
        pending = context.eventLoop().newPromise();
        if (!defer) {
            complete(credentials);
        }
        return pending;
    }

    @Override
    public Future<Mailbox> open(TokenLogin login, SessionContext context) {
        tokens.add(new TokenLogin(login.mechanism(), login.initialResponse(), login.user()));
        contexts.add(context);
        if (mailbox == null) {
            mailbox = new FakeMailbox(context.eventLoop());
        } else if (mailbox.loop == null) {
            mailbox.loop = context.eventLoop();
        }
        pending = context.eventLoop().newPromise();
        return failWith != null ? pending.setFailure(new MailboxException(failWith, "token refused"))
                : pending.setSuccess(mailbox);
    }

    void complete(Credentials credentials) {
        if (failWith != null) {
            pending.setFailure(new MailboxException(failWith, "upstream said: host imap.internal secret-detail"));
        } else if (!new String(credentials.password(), java.nio.charset.StandardCharsets.UTF_8).equals(password)) {
            pending.setFailure(new MailboxException(FailureKind.AUTH, "NO [AUTHENTICATIONFAILED] imap.internal"));
        } else {
            pending.setSuccess(mailbox);
        }
    }
}
