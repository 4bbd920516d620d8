package io.popbridge.imap;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** TLS for upstream connections: always with SNI and host name verification. */
final class Tls {

    private Tls() {
    }

    static SslHandler clientHandler(SslContext context, ByteBufAllocator alloc, UpstreamEndpoint endpoint) {
        SslHandler handler = context.newHandler(alloc, endpoint.host(), endpoint.port());
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return handler;
    }
}
