package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.TlsMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server certificates: PEM and PKCS#12 loading, the self-signed certificate, reloading. */
class ServerTlsTest {

    @TempDir
    Path dir;

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private void writePem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
    }

    /** An EC key as OpenSSL writes it (SEC1, "EC PRIVATE KEY", with the curve). */
    private void writeSec1(Path file, KeyMaterial m) throws IOException {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(m.key().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), null,
                info.getPrivateKeyAlgorithm().getParameters());
        Files.writeString(file, "-----BEGIN EC PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(sec1.getEncoded())
                + "\n-----END EC PRIVATE KEY-----\n");
    }

    private void writePkcs8(Path file, KeyMaterial m) throws IOException {
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(m.key().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static String subject(KeyMaterial m) {
        return m.leaf().getSubjectX500Principal().getName();
    }

    @Test
    void pemWithPkcs1RsaKeyLoads() throws Exception {
        KeyMaterial m = CertificateFiles.generate("rsa.test", rsa(), "SHA256withRSA");
        writePem(dir.resolve("c.pem"), m.leaf());
        writePem(dir.resolve("k.pem"), m.key());
        assertTrue(Files.readString(dir.resolve("k.pem")).contains("BEGIN RSA PRIVATE KEY"));
        KeyMaterial loaded = CertificateFiles.loadPem(dir.resolve("c.pem"), dir.resolve("k.pem"));
        assertEquals(m.fingerprint(), loaded.fingerprint());
        assertEquals("CN=rsa.test", subject(loaded));
    }

    @Test
    void pemWithPkcs8KeyLoads() throws Exception {
        KeyMaterial m = CertificateFiles.generate("p8.test", rsa(), "SHA256withRSA");
        writePem(dir.resolve("c.pem"), m.leaf());
        writePkcs8(dir.resolve("k.pem"), m);
        assertEquals(m.fingerprint(), CertificateFiles.loadPem(dir.resolve("c.pem"), dir.resolve("k.pem")).fingerprint());
    }

    @Test
    void pemWithEcKeyAndChainLoads() throws Exception {
        KeyMaterial m = CertificateFiles.generate("ec.test");
        KeyMaterial other = CertificateFiles.generate("ca.test");
        Files.writeString(dir.resolve("c.pem"), pem(m.leaf()) + pem(other.leaf()));
        writeSec1(dir.resolve("k.pem"), m);
        KeyMaterial loaded = CertificateFiles.loadPem(dir.resolve("c.pem"), dir.resolve("k.pem"));
        assertEquals(2, loaded.chain().size());
        assertEquals(m.fingerprint(), loaded.fingerprint());
    }

    private static String pem(X509Certificate c) throws IOException {
        java.io.StringWriter s = new java.io.StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(s)) {
            pem.writeObject(c);
        }
        return s.toString();
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        KeyMaterial m = CertificateFiles.generate("a.test");
        KeyMaterial other = CertificateFiles.generate("b.test");
        writePem(dir.resolve("c.pem"), m.leaf());
        writePkcs8(dir.resolve("k.pem"), other);
        IOException e = assertThrows(IOException.class,
                () -> CertificateFiles.loadPem(dir.resolve("c.pem"), dir.resolve("k.pem")));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void pkcs12Loads() throws Exception {
        KeyMaterial m = CertificateFiles.generate("p12.test", rsa(), "SHA256withRSA");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", m.key(), "pw".toCharArray(), new Certificate[] {m.leaf()});
        try (OutputStream out = Files.newOutputStream(dir.resolve("s.p12"))) {
            store.store(out, "pw".toCharArray());
        }
        assertEquals(m.fingerprint(), CertificateFiles.loadPkcs12(dir.resolve("s.p12"), "pw".toCharArray()).fingerprint());
        IOException e = assertThrows(IOException.class,
                () -> CertificateFiles.loadPkcs12(dir.resolve("s.p12"), "hunter2x".toCharArray()));
        assertFalse(e.getMessage().contains("hunter2x"), e.getMessage());
    }

    @Test
    void selfSignedCertificateIsCreatedOnceAndReused() throws Exception {
        TlsSettings settings = new TlsSettings("pop.example.test", null, null, null, null, TlsSettings.DEFAULT_RELOAD_INTERVAL);
        Path data = dir.resolve("data");
        String first;
        try (ServerTls tls = ServerTls.load(settings, data)) {
            first = tls.material().fingerprint();
            X509Certificate leaf = tls.material().leaf();
            assertEquals("CN=pop.example.test", leaf.getSubjectX500Principal().getName());
            assertEquals(List.of(List.of(2, "pop.example.test")), List.copyOf(leaf.getSubjectAlternativeNames()));
            assertTrue(leaf.getNotAfter().toInstant().isAfter(Instant.now().plus(java.time.Duration.ofDays(800))));
        }
        Path key = data.resolve(CertificateFiles.SELF_SIGNED_KEY);
        if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(key));
        }
        try (ServerTls tls = ServerTls.load(settings, data)) {
            assertEquals(first, tls.material().fingerprint());
        }
    }

    @Test
    void changedFilesApplyToNewConnectionsWhileOpenSessionsContinue() throws Exception {
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        KeyMaterial one = CertificateFiles.generate("one.test");
        writePem(cert, one.leaf());
        writePkcs8(key, one);
        TlsSettings settings = new TlsSettings(null, cert, key, null, null, java.time.Duration.ofHours(1));
        MailboxProvider provider = (credentials, context) -> context.eventLoop().newFailedFuture(new IOException("no"));
        ServerTls tls = ServerTls.load(settings, dir);
        List<ListenerConfig> listeners = List.of(
                new ListenerConfig(new InetSocketAddress("127.0.0.1", 0), TlsMode.IMPLICIT_TLS, "TLSv1.2"),
                new ListenerConfig(new InetSocketAddress("127.0.0.1", 0), TlsMode.PLAIN_STLS, "TLSv1.2"));
        try (BridgeServer server = BridgeServer.start(listeners, tls, Pop3Options.defaults(), provider, 1)) {
            InetSocketAddress implicit = server.localAddresses().get(0);
            assertEquals(2, server.localAddresses().size());
            try (SSLSocket open = connect(implicit)) {
                assertEquals("+OK popbridge ready.", readLine(open.getInputStream()));
                assertEquals(one.fingerprint(), fingerprint(open));

                KeyMaterial two = CertificateFiles.generate("two.test");
                writePem(cert, two.leaf());
                writeSec1(key, two);
                bump(cert);
                bump(key);
                assertTrue(tls.reloadIfChanged());
                assertFalse(tls.reloadIfChanged());
                try (SSLSocket fresh = connect(implicit)) {
                    assertEquals("+OK popbridge ready.", readLine(fresh.getInputStream()));
                    assertEquals(two.fingerprint(), fingerprint(fresh));
                }

                // an unusable file keeps the current certificate
                Files.writeString(cert, "not a certificate\n");
                bump(cert);
                assertFalse(tls.reloadIfChanged());
                try (SSLSocket fresh = connect(implicit)) {
                    assertEquals("+OK popbridge ready.", readLine(fresh.getInputStream()));
                    assertEquals(two.fingerprint(), fingerprint(fresh));
                }

                // the session opened before the reload goes on with its certificate
                open.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                open.getOutputStream().flush();
                assertEquals("+OK Logging out.", readLine(open.getInputStream()));
                assertEquals(one.fingerprint(), fingerprint(open));
            }
        }
    }

    private static void bump(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(10)));
    }

    private static String fingerprint(SSLSocket socket) throws Exception {
        X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        return new KeyMaterial(CertificateFiles.generate("x.test").key(), List.of(leaf)).fingerprint();
    }

    private static SSLSocket connect(InetSocketAddress address) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the test compares fingerprints instead
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.setSoTimeout(30_000);
        s.connect(address);
        s.startHandshake();
        return s;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                throw new IOException("EOF");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1).strip();
    }
}
