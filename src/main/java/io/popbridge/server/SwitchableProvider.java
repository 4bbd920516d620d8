package io.popbridge.server;

import io.netty.util.concurrent.Future;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.SessionContext;
import io.popbridge.pop3.TokenLogin;
import java.util.Objects;

/**
 * A {@link MailboxProvider} that a configuration reload can replace: each login goes to the
 * provider current at that moment; a mailbox already open stays with the provider that opened it,
 * so sessions keep the routing and policies they logged in with. Thread-safe.
 */
final class SwitchableProvider implements MailboxProvider {

    private volatile MailboxProvider current;

    SwitchableProvider(MailboxProvider initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /** Sends logins from now on to {@code next}. */
    void switchTo(MailboxProvider next) {
        this.current = Objects.requireNonNull(next, "next");
    }

    @Override
    public Future<Mailbox> open(Credentials credentials, SessionContext context) {
        return current.open(credentials, context);
    }

    @Override
    public Future<Mailbox> open(TokenLogin login, SessionContext context) {
        return current.open(login, context);
    }
}
