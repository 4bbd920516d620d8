package io.popbridge.pop3;

/** How a POP3 listener uses TLS. */
public enum TlsMode {
    /** Plaintext with STLS offered (RFC 2595), usually port 110. */
    PLAIN_STLS,
    /** TLS from the first byte (RFC 8314 section 3.3), usually port 995. */
    IMPLICIT_TLS,
    /** Plaintext only, no STLS: for a listener behind a TLS-terminating proxy or on loopback. */
    PLAIN
}
