package io.popbridge.bridge;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.popbridge.imap.TestCertificates;
import io.popbridge.imap.UpstreamEndpoint;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * GreenMail with IMAPS presenting a certificate for 127.0.0.1 issued by a test CA, so that the
 * bridge can verify it the way it verifies any upstream: a CA file and the host name check, no
 * trust-all.
 *
 * <p>GreenMail reads its key store once per JVM (system property {@code greenmail.tls.keystore.file},
 * read when its SSL socket factory is first used), so every test that runs GreenMail with TLS in
 * this JVM must go through this class; {@link #start} checks that the presented certificate is ours.
 */
final class GreenMailTls {

    private static TestCertificates.Identity ca;
    private static TestCertificates.Identity server;
    private static Path caFile;

    private GreenMailTls() {
    }

    private static synchronized void init() throws Exception {
        if (ca != null) {
            return;
        }
        ca = TestCertificates.ca("popbridge GreenMail test CA");
        server = TestCertificates.leaf(ca, List.of("localhost"), List.of("127.0.0.1"));
        Path dir = Files.createTempDirectory("popbridge-greenmail-tls");
        dir.toFile().deleteOnExit();
        char[] password = "changeit".toCharArray();
        Path keyStore = server.writePkcs12(dir.resolve("greenmail.p12"), password);
        keyStore.toFile().deleteOnExit();
        caFile = dir.resolve("ca.pem");
        try (Writer w = Files.newBufferedWriter(caFile)) {
            w.write("-----BEGIN CERTIFICATE-----\n");
            w.write(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ca.certificate().getEncoded()));
            w.write("\n-----END CERTIFICATE-----\n");
        }
        caFile.toFile().deleteOnExit();
        System.setProperty("greenmail.tls.keystore.file", keyStore.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
    }

    /** Starts GreenMail with plain IMAP (for the test's own oracle) and IMAPS (for the bridge). */
    static GreenMail start() throws Exception {
        init();
        GreenMail greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS).dynamicPort()});
        greenMail.start();
        X509Certificate presented = presentedCertificate(greenMail.getImaps().getPort());
        if (!presented.equals(server.certificate())) {
            greenMail.stop();
            throw new IllegalStateException("GreenMail presents " + presented.getSubjectX500Principal()
                    + ": its key store was loaded before GreenMailTls configured it");
        }
        return greenMail;
    }

    /** The PEM CA bundle that issued GreenMail's certificate (what {@code upstream.ca-file} names). */
    static Path caFile() {
        return caFile;
    }

    /** A client context as the configuration builds it for a ca-file: only that CA, TLS 1.3/1.2, host check. */
    static SslContext clientContext() throws Exception {
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm("HTTPS").trustManager(caFile.toFile()).build();
    }

    static String serverPin() {
        return server.pin();
    }

    static UpstreamEndpoint imaps(GreenMail greenMail) {
        return new UpstreamEndpoint("127.0.0.1", greenMail.getImaps().getPort(), UpstreamEndpoint.Security.IMPLICIT_TLS);
    }

    /** A first handshake that trusts the CA only to read which certificate the server presents. */
    private static X509Certificate presentedCertificate(int port) throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocketFactory factory = context.getSocketFactory();
        try (SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new IllegalStateException("GreenMail does not present the test certificate (its key store was "
                    + "loaded before GreenMailTls configured it)", e);
        }
    }
}
