package io.popbridge.pop3;

import io.netty.util.concurrent.Future;

/**
 * Authenticates a POP3 user and opens the mailbox the session will serve.
 *
 * <p>The POP3 front end calls {@link #open} on the client channel's event loop when the client has
 * given credentials (USER/PASS, later AUTH). Implementations must complete the returned future on
 * {@link SessionContext#eventLoop()} so that the session stays single-threaded.
 *
 * <p>Failure: the future fails with a {@link MailboxException}; its {@link FailureKind} alone
 * decides the reply the client sees (never its message text).
 */
public interface MailboxProvider {

    /**
     * Logs in as the user and takes the POP3 snapshot. The provider takes ownership of the
     * credentials and may wipe the password array once it is no longer needed.
     */
    Future<Mailbox> open(Credentials credentials, SessionContext context);

    /**
     * Logs in by passing a token mechanism (XOAUTH2, OAUTHBEARER) through to the upstream, then
     * takes the snapshot as {@link #open} does. Providers that cannot do so fail with
     * {@link FailureKind#SYS_PERM}, which is the default.
     */
    default Future<Mailbox> open(TokenLogin login, SessionContext context) {
        login.wipe();
        return context.eventLoop().newFailedFuture(new MailboxException(FailureKind.SYS_PERM,
                login.mechanism() + " pass-through is not supported by this provider"));
    }
}
