package io.popbridge.bridge;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import java.util.Objects;

/**
 * Where one user's mailbox lives: the upstream, how to connect to it, and the login name rewrite.
 *
 * @param endpoint the upstream IMAP server
 * @param imap connection settings (timeouts, TLS context, pins) for that server
 * @param login how the client's user name is rewritten before it is sent upstream
 */
public record Route(UpstreamEndpoint endpoint, ImapClientOptions imap, LoginRewrite login) {

    public Route {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(login, "login");
    }

    /** The upstream's {@code host:port}, as in metrics labels and size-correction keys. */
    public String label() {
        return endpoint.host() + ":" + endpoint.port();
    }
}
