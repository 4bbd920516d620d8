package io.popbridge.imap;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS for upstream connections: always with SNI and host name verification, whatever the
 * context was built with; trust comes from the context (JDK trust store or a configured CA
 * bundle), and an optional public-key pin is checked on top of it.
 */
final class Tls {

    private Tls() {
    }

    static SslHandler clientHandler(SslContext context, ByteBufAllocator alloc, UpstreamEndpoint endpoint) {
        if (!context.isClient()) {
            throw new IllegalArgumentException("upstream TLS needs a client SslContext");
        }
        SslHandler handler = context.newHandler(alloc, endpoint.host(), endpoint.port());
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return handler;
    }

    /**
     * Checks the leaf certificate of a completed handshake against {@code pins}; no pins, no check.
     *
     * @throws ImapException.Insecure when no pin matches
     */
    static void checkPins(SslHandler handler, Set<String> pins, UpstreamEndpoint endpoint) throws ImapException {
        if (pins.isEmpty()) {
            return;
        }
        Certificate[] chain;
        try {
            chain = handler.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new ImapException.Insecure("no verified certificate from " + endpoint.host() + " to check the pin");
        }
        String pin = pin(chain[0]);
        if (!pins.contains(pin)) {
            throw new ImapException.Insecure("public key of " + endpoint.host() + " (pin-sha256 " + pin
                    + ") matches none of the configured pins");
        }
    }

    /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo. */
    static String pin(Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
