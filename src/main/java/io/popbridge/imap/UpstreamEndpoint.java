package io.popbridge.imap;

/**
 * Where and how to reach an IMAP server.
 *
 * @param host host name (also used for TLS hostname verification)
 * @param port TCP port
 * @param security transport security
 */
public record UpstreamEndpoint(String host, int port, Security security) {

    /** Transport security of an upstream connection. */
    public enum Security {
        /** Plain TCP ({@code imap://}); only when configured explicitly. */
        PLAIN,
        /** Plain TCP upgraded with STARTTLS before login ({@code imap+starttls://}). */
        STARTTLS,
        /** TLS from the first byte ({@code imaps://}). */
        IMPLICIT_TLS
    }
}
