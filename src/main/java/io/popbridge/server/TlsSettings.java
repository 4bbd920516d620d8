package io.popbridge.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the POP3 server certificate comes from: PEM files, a PKCS#12 file, or (neither) a
 * self-signed certificate created once in the data directory.
 *
 * @param hostname CN and DNS name of the self-signed certificate; null: the machine's host name
 * @param certificate PEM certificate chain, leaf first (with {@code key}), or null
 * @param key PEM private key (with {@code certificate}), or null
 * @param pkcs12 PKCS#12 file, or null
 * @param pkcs12Password its password (never logged), or null for none
 * @param reloadInterval how often the files' modification times are checked
 */
public record TlsSettings(String hostname, Path certificate, Path key, Path pkcs12, String pkcs12Password,
        Duration reloadInterval) {

    public static final Duration DEFAULT_RELOAD_INTERVAL = java.time.Duration.ofSeconds(5);

    public TlsSettings {
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("certificate and key go together");
        }
        if (pkcs12 != null && certificate != null) {
            throw new IllegalArgumentException("either certificate and key or pkcs12, not both");
        }
    }

    /** A self-signed certificate for the machine's host name. */
    public static TlsSettings defaults() {
        return new TlsSettings(null, null, null, null, null, DEFAULT_RELOAD_INTERVAL);
    }

    @Override
    public String toString() {
        return "TlsSettings[hostname=" + hostname + ", certificate=" + certificate + ", key=" + key + ", pkcs12="
                + pkcs12 + ", pkcs12Password=" + (pkcs12Password == null ? "none" : "<hidden>")
                + ", reloadInterval=" + reloadInterval + "]";
    }
}
