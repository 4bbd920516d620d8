package io.popbridge.imap;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * Settings of upstream connections.
 *
 * @param connectTimeout TCP connect plus greeting (and TLS handshake) deadline
 * @param commandTimeout how long a pending command may go without any response byte arriving
 *     (paused reading for backpressure does not count)
 * @param maxLineLength longest response line (outside literals) accepted before the connection is
 *     failed as a protocol error
 * @param maxLiteralSize largest literal accepted anywhere (a streamed body included)
 * @param sslContext client TLS context for STARTTLS / implicit TLS; null when only plain is used.
 *     Its trust material (JDK trust store or a CA bundle) decides which certificates are accepted;
 *     the client adds SNI and host name verification to every handshake
 * @param publicKeyPins optional SHA-256 public-key pins: base64 of the SHA-256 digest of the leaf
 *     certificate's SubjectPublicKeyInfo (HPKP {@code pin-sha256} form). When not empty, the leaf
 *     must match one of them after normal verification, or the connection fails before anything
 *     is sent. Empty (never null) means no pinning.
 */
public record ImapClientOptions(Duration connectTimeout, Duration commandTimeout, int maxLineLength,
        long maxLiteralSize, SslContext sslContext, Set<String> publicKeyPins) {

    public ImapClientOptions {
        publicKeyPins = publicKeyPins == null ? Set.of() : Set.copyOf(publicKeyPins);
        for (String pin : publicKeyPins) {
            byte[] digest;
            try {
                digest = Base64.getDecoder().decode(pin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("publicKeyPins: not base64: " + pin);
            }
            if (digest.length != 32) {
                throw new IllegalArgumentException("publicKeyPins: not a SHA-256 digest (" + digest.length
                        + " octets instead of 32): " + pin);
            }
        }
    }

    /** Options without public-key pins. */
    public ImapClientOptions(Duration connectTimeout, Duration commandTimeout, int maxLineLength,
            long maxLiteralSize, SslContext sslContext) {
        this(connectTimeout, commandTimeout, maxLineLength, maxLiteralSize, sslContext, Set.of());
    }

    public static ImapClientOptions defaults() {
        return new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(60), 64 * 1024,
                1L << 31, null);
    }

    /** These options with {@code pins} (base64 SHA-256 of the SubjectPublicKeyInfo) instead of the current ones. */
    public ImapClientOptions withPublicKeyPins(Set<String> pins) {
        return new ImapClientOptions(connectTimeout, commandTimeout, maxLineLength, maxLiteralSize, sslContext, pins);
    }
}
