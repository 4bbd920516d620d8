package io.popbridge.load;

/** Where the load tool connects. */
record Target(String host, int port, TlsMode tls, int timeoutMillis) {

    enum TlsMode {
        /** Plaintext POP3. */
        NONE,
        /** Plaintext, upgraded with STLS before login. */
        STLS,
        /** TLS from the first byte (POP3S). */
        IMPLICIT
    }
}
