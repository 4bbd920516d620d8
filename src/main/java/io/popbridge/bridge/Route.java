package io.popbridge.bridge;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where one user's mailbox lives: the upstream, how to connect to it, and the login name rewrite.
 *
 * @param endpoint the upstream IMAP server
 * @param imap connection settings (timeouts, TLS context, pins) for that server
 * @param login how the client's user name is rewritten before it is sent upstream
 * @param loginName a name to send upstream instead of the client's (from a routing lookup), or
 *     null to apply {@code login}
 * @param forwardClientAddress whether the POP3 client's address goes upstream with IMAP ID
 *     ({@code x-originating-ip}, {@code x-originating-port}) before the login
 */
public record Route(UpstreamEndpoint endpoint, ImapClientOptions imap, LoginRewrite login, String loginName,
        boolean forwardClientAddress) {

    public Route {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(login, "login");
    }

    /** With no fixed login name, not forwarding the client address. */
    public Route(UpstreamEndpoint endpoint, ImapClientOptions imap, LoginRewrite login) {
        this(endpoint, imap, login, null, false);
    }

    /** This route, sending {@code name} upstream as the login name. */
    public Route withLoginName(String name) {
        return new Route(endpoint, imap, login, name, forwardClientAddress);
    }

    /** The upstream's {@code host:port}, as in metrics labels and size-correction keys. */
    public String label() {
        return endpoint.host() + ":" + endpoint.port();
    }

    /** The name to log in upstream with, given the name the client sent (raw octets). */
    public byte[] upstreamLogin(byte[] user) {
        return loginName != null ? loginName.getBytes(StandardCharsets.UTF_8) : login.apply(user);
    }
}
