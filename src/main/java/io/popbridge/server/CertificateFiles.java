package io.popbridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads server certificates (PEM chain and key, or PKCS#12) and creates the self-signed one used
 * when none is configured. Every failure is an {@link IOException} whose message says what is
 * wrong with which file, without secrets.
 */
final class CertificateFiles {

    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
    static final String SELF_SIGNED_CERT = "popbridge-selfsigned.crt";
    static final String SELF_SIGNED_KEY = "popbridge-selfsigned.key";

    private CertificateFiles() {
    }

    /** A PEM certificate chain (leaf first) and a PEM key: PKCS#1 RSA, SEC1 EC or PKCS#8, unencrypted. */
    static KeyMaterial loadPem(Path certificate, Path key) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(certificate, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o; (o = parser.readObject()) != null;) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException(certificate + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certificate + ": no PEM certificate (BEGIN CERTIFICATE) found");
        }
        PrivateKey privateKey = null;
        try (Reader reader = Files.newBufferedReader(key, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o; privateKey == null && (o = parser.readObject()) != null;) {
                if (o instanceof PEMKeyPair pair) {
                    privateKey = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo info) {
                    privateKey = converter.getPrivateKey(info);
                } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException(key + ": the key is encrypted; store it unencrypted with permissions 600"
                            + " or use tls.pkcs12");
                }
            }
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(key.toString()) ? e
                    : new IOException(key + ": not a PEM private key: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(key + ": not a PEM private key: " + e.getMessage(), e);
        }
        if (privateKey == null) {
            throw new IOException(key + ": no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) found");
        }
        return checked(new KeyMaterial(privateKey, chain), key.toString());
    }

    /** The first key entry of a PKCS#12 file. */
    static KeyMaterial loadPkcs12(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    List<X509Certificate> chain = new ArrayList<>();
                    Certificate[] certificates = store.getCertificateChain(alias);
                    if (certificates != null) {
                        for (Certificate c : certificates) {
                            chain.add((X509Certificate) c);
                        }
                    }
                    if (key != null && !chain.isEmpty()) {
                        return checked(new KeyMaterial(key, chain), file.toString());
                    }
                }
            }
            throw new IOException(file + ": no private key with a certificate chain in the PKCS#12 file");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IOException(file + ": cannot read PKCS#12 (wrong password or not PKCS#12): " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": cannot read PKCS#12: " + e.getMessage(), e);
        }
    }

    /**
     * The self-signed certificate in {@code dir}, created on first use (EC P-256, CN and DNS SAN
     * {@code hostname}, valid 825 days; key file permissions 600 where the file system has them).
     */
    static KeyMaterial selfSigned(Path dir, String hostname) throws IOException {
        Path cert = dir.resolve(SELF_SIGNED_CERT);
        Path key = dir.resolve(SELF_SIGNED_KEY);
        if (Files.exists(cert) && Files.exists(key)) {
            return loadPem(cert, key);
        }
        Files.createDirectories(dir);
        KeyMaterial generated;
        try {
            generated = generate(hostname);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
        Path keyTmp = dir.resolve(SELF_SIGNED_KEY + ".tmp");
        Files.deleteIfExists(keyTmp);
        try {
            Files.createFile(keyTmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(keyTmp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(keyTmp + ": exists", e);
        }
        try (Writer w = Files.newBufferedWriter(keyTmp, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            // PKCS#8: BouncyCastle's SEC1 output of a JDK EC key would lack the curve parameters
            pem.writeObject(new JcaPKCS8Generator(generated.key(), null));
        }
        Path certTmp = dir.resolve(SELF_SIGNED_CERT + ".tmp");
        try (Writer w = Files.newBufferedWriter(certTmp, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(generated.leaf());
        }
        Files.move(keyTmp, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(certTmp, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return generated;
    }

    static KeyMaterial generate(String hostname) throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generate(hostname, generator.generateKeyPair(), "SHA256withECDSA");
    }

    /** A self-signed certificate for {@code pair}, signed with {@code signatureAlgorithm}. */
    static KeyMaterial generate(String hostname, KeyPair pair, String signatureAlgorithm)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(63, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())));
        return new KeyMaterial(pair.getPrivate(), List.of(certificate));
    }

    /** The host name for the self-signed certificate: the machine's, or localhost. */
    static String machineHostName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /** Refuses a key that does not belong to the leaf certificate (a half-updated pair of files). */
    private static KeyMaterial checked(KeyMaterial material, String where) throws IOException {
        String algorithm = switch (material.key().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return material;
        }
        try {
            byte[] probe = "popbridge key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(material.key());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(material.leaf().getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IOException(where + ": the private key does not match the certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(where + ": the private key does not match the certificate: " + e.getMessage(), e);
        }
        return material;
    }
}
