package io.popbridge.bridge;

import io.netty.util.concurrent.Future;
import io.popbridge.pop3.SessionContext;

/**
 * Chooses the upstream of a login, possibly asynchronously (an HTTP lookup). {@link Router} is the
 * synchronous implementation from the configuration file; {@link HttpRouteLookup} asks a web
 * service.
 *
 * <p>Called on {@link SessionContext#eventLoop()}; must not block it. The returned future
 * completes on that loop (or is a Netty promise of that loop, whose listeners run there). It fails
 * with a {@link io.popbridge.pop3.MailboxException} whose kind decides the client's reply.
 */
public interface RouteResolver {

    /**
     * The route of {@code user} (the name as the POP3 client sent it), logging in from
     * {@code context.clientAddress()}. Never given a password.
     */
    Future<Route> resolve(String user, SessionContext context);
}
