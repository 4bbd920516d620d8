package io.popbridge.imap;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * Settings of upstream connections.
 *
 * @param connectTimeout TCP connect plus greeting (and TLS handshake) deadline
 * @param commandTimeout how long a pending command may go without any response byte arriving
 *     (paused reading for backpressure does not count)
 * @param maxLineLength longest response line (outside literals) accepted before the connection is
 *     failed as a protocol error
 * @param maxLiteralSize largest literal accepted anywhere (a streamed body included)
 * @param sslContext client TLS context for STARTTLS / implicit TLS; null when only plain is used
 */
public record ImapClientOptions(Duration connectTimeout, Duration commandTimeout, int maxLineLength,
        long maxLiteralSize, SslContext sslContext) {

    public static ImapClientOptions defaults() {
        return new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(60), 64 * 1024,
                1L << 31, null);
    }
}
