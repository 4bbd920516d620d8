package io.popbridge.load;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trust-all TLS for benchmarking against loopback servers with self-signed certificates. It
 * verifies nothing: never point the load tool with TLS at a server across a network you do not
 * control.
 */
final class Tls {

    private static final SSLContext CONTEXT = trustAll();

    private Tls() {
    }

    static SSLSocket wrap(Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) CONTEXT.getSocketFactory().createSocket(plain, host, port, true);
        tls.setUseClientMode(true);
        return tls;
    }

    private static SSLContext trustAll() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // benchmark client: no client certificates
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // loopback benchmarking only: see the class comment
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
