package io.popbridge.migrate;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The old POP3 server a user is migrated from.
 *
 * @param host host name or address (verified against its certificate)
 * @param port TCP port
 * @param security how the connection is protected
 * @param sslContext trust for the server certificate (the JDK's default trust when built from
 *     {@code SSLContext.getDefault()}); unused for {@link Security#PLAIN}
 * @param timeout connect and read timeout
 */
public record OldServer(String host, int port, Security security, SSLContext sslContext, Duration timeout) {

    /** {@code pop3s://} (implicit TLS, 995), {@code pop3+stls://} (STLS, 110) or {@code pop3://} (plain). */
    public enum Security {
        POP3S, STLS, PLAIN
    }

    public OldServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(timeout, "timeout");
        if (security != Security.PLAIN) {
            Objects.requireNonNull(sslContext, "sslContext");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
