package io.popbridge.pop3;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** One self-signed server certificate for the TLS tests, and a client SSLContext that trusts it. */
final class Pop3TlsSupport {

    private static SelfSignedCertificate certificate;
    private static SslContext server;

    private Pop3TlsSupport() {
    }

    static synchronized SelfSignedCertificate certificate() {
        if (certificate == null) {
            try {
                certificate = new SelfSignedCertificate("localhost");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return certificate;
    }

    static synchronized SslContext serverContext() {
        if (server == null) {
            try {
                SelfSignedCertificate c = certificate();
                server = SslContextBuilder.forServer(c.key(), c.cert()).sslProvider(SslProvider.JDK)
                        .protocols("TLSv1.3", "TLSv1.2").build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return server;
    }

    static SSLContext clientContext(X509Certificate trusted) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("server", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
