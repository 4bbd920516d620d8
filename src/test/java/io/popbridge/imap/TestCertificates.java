package io.popbridge.imap;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test PKI built with BouncyCastle: CAs and leaf certificates with chosen names and validity, so
 * that TLS tests can present a good, a wrong-host, an expired or an unknown-CA certificate.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private TestCertificates() {
    }

    /** A key and its certificate chain (leaf first). */
    public record Identity(PrivateKey key, X509Certificate... chain) {

        public X509Certificate certificate() {
            return chain[0];
        }

        /** A server context presenting this identity (TLS 1.2/1.3, JDK provider). */
        public SslContext serverContext() throws Exception {
            return SslContextBuilder.forServer(key, chain).sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2").build();
        }

        /** A client context trusting exactly this certificate (for a CA: everything it signed). */
        public SslContext trustingClientContext() throws Exception {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(certificate()).build();
        }

        /** The HPKP-style pin: base64 SHA-256 of the leaf's SubjectPublicKeyInfo. */
        public String pin() {
            return Tls.pin(certificate());
        }

        /** Writes a PKCS#12 key store with this identity under alias "server". */
        public Path writePkcs12(Path file, char[] password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password);
            }
            return file;
        }
    }

    public static Identity ca(String name) throws Exception {
        KeyPair pair = keyPair();
        Instant now = Instant.now();
        X509Certificate cert = sign(new X500Name("CN=" + name), pair, new X500Name("CN=" + name), pair.getPrivate(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true, List.of());
        return new Identity(pair.getPrivate(), cert);
    }

    /** A leaf valid from yesterday for 30 days. */
    public static Identity leaf(Identity ca, List<String> dnsNames, List<String> ipAddresses) throws Exception {
        Instant now = Instant.now();
        return leaf(ca, dnsNames, ipAddresses, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    public static Identity leaf(Identity ca, List<String> dnsNames, List<String> ipAddresses, Instant notBefore,
            Instant notAfter) throws Exception {
        KeyPair pair = keyPair();
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
        X500Name issuer = new X500Name(ca.certificate().getSubjectX500Principal().getName());
        X509Certificate cert = sign(new X500Name("CN=popbridge test server"), pair, issuer, ca.key(), notBefore,
                notAfter, false, names);
        return new Identity(pair.getPrivate(), cert, ca.certificate());
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
            Instant notBefore, Instant notAfter, boolean ca, List<GeneralName> names) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        }
        if (!names.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(new GeneralName[0])));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }
}
