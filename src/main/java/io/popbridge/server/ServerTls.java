package io.popbridge.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POP3 server's certificate and the TLS contexts built from it, one per set of protocol
 * versions. {@link #reload()} re-reads the files; new connections then get the new context
 * (through {@link #context}), open ones keep theirs. A file that cannot be used leaves the old
 * context in place, with the reason in the log.
 *
 * <p>Thread-safe: reloads may come from the watcher, a signal handler or a test.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private final TlsSettings settings;
    private final Path dataDir;
    private final Map<List<String>, AtomicReference<SslContext>> contexts = new ConcurrentHashMap<>();
    private volatile KeyMaterial material;
    private volatile List<FileTime> stamps;
    private volatile ScheduledFuture<?> watch;

    private ServerTls(TlsSettings settings, Path dataDir, KeyMaterial material) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.material = material;
        this.stamps = stamps();
    }

    /**
     * Loads the configured certificate, or creates/reuses the self-signed one in {@code dataDir}.
     *
     * @throws IOException saying which file is unusable and why
     */
    public static ServerTls load(TlsSettings settings, Path dataDir) throws IOException {
        Objects.requireNonNull(settings, "settings");
        ServerTls tls = new ServerTls(settings, dataDir, read(settings, dataDir));
        KeyMaterial m = tls.material;
        LOG.info("POP3 TLS certificate {} ({}), SHA-256 fingerprint {}",
                m.leaf().getSubjectX500Principal().getName(), source(settings, dataDir), m.fingerprint());
        return tls;
    }

    /** The current certificate and key. */
    public KeyMaterial material() {
        return material;
    }

    /** The current context for {@code protocols}; each call sees the latest reload. */
    public Supplier<SslContext> context(List<String> protocols) throws SSLException {
        List<String> key = List.copyOf(protocols);
        AtomicReference<SslContext> ref = contexts.get(key);
        if (ref == null) {
            ref = new AtomicReference<>(build(material, key));
            AtomicReference<SslContext> raced = contexts.putIfAbsent(key, ref);
            ref = raced != null ? raced : ref;
        }
        AtomicReference<SslContext> current = ref;
        return current::get;
    }

    /**
     * Re-reads the certificate files and swaps every context. Returns true if the new material is
     * in use; on any failure logs why and keeps the old one.
     */
    public synchronized boolean reload() {
        List<FileTime> newStamps = stamps();
        KeyMaterial next;
        Map<List<String>, SslContext> built = new java.util.HashMap<>();
        try {
            next = read(settings, dataDir);
            for (List<String> protocols : contexts.keySet()) {
                built.put(protocols, build(next, protocols));
            }
        } catch (IOException | RuntimeException e) {
            stamps = newStamps; // do not retry the same broken files every few seconds
            LOG.warn("POP3 TLS certificate not reloaded, the previous one stays in use: {}", e.getMessage());
            return false;
        }
        built.forEach((protocols, context) -> contexts.get(protocols).set(context));
        material = next;
        stamps = newStamps;
        LOG.info("POP3 TLS certificate reloaded: {}, SHA-256 fingerprint {}",
                next.leaf().getSubjectX500Principal().getName(), next.fingerprint());
        return true;
    }

    /** Reloads when a file's modification time changed; checked on {@code executor} every reload interval. */
    public void watch(EventExecutor executor) {
        long millis = settings.reloadInterval().toMillis();
        watch = executor.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Reloads if a certificate file changed since the last (attempted) load; returns whether it reloaded. */
    public boolean reloadIfChanged() {
        if (stamps().equals(stamps)) {
            return false;
        }
        return reload();
    }

    @Override
    public void close() {
        ScheduledFuture<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
    }

    private static KeyMaterial read(TlsSettings s, Path dataDir) throws IOException {
        if (s.certificate() != null) {
            return CertificateFiles.loadPem(s.certificate(), s.key());
        }
        if (s.pkcs12() != null) {
            char[] password = s.pkcs12Password() == null ? new char[0] : s.pkcs12Password().toCharArray();
            return CertificateFiles.loadPkcs12(s.pkcs12(), password);
        }
        String host = s.hostname() != null ? s.hostname() : CertificateFiles.machineHostName();
        return CertificateFiles.selfSigned(dataDir, host);
    }

    private static String source(TlsSettings s, Path dataDir) {
        if (s.certificate() != null) {
            return "from " + s.certificate();
        }
        if (s.pkcs12() != null) {
            return "from " + s.pkcs12();
        }
        return "self-signed, in " + dataDir.resolve(CertificateFiles.SELF_SIGNED_CERT);
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        if (settings.certificate() != null) {
            files.add(settings.certificate());
            files.add(settings.key());
        } else if (settings.pkcs12() != null) {
            files.add(settings.pkcs12());
        } else {
            files.add(dataDir.resolve(CertificateFiles.SELF_SIGNED_CERT));
            files.add(dataDir.resolve(CertificateFiles.SELF_SIGNED_KEY));
        }
        return files;
    }

    private List<FileTime> stamps() {
        List<FileTime> times = new ArrayList<>();
        for (Path p : files()) {
            try {
                times.add(Files.getLastModifiedTime(p));
            } catch (IOException e) {
                times.add(FileTime.fromMillis(-1));
            }
        }
        return times;
    }

    private static SslContext build(KeyMaterial m, List<String> protocols) throws SSLException {
        return SslContextBuilder.forServer(m.key(), m.chain())
                .sslProvider(SslProvider.JDK)
                .protocols(protocols)
                .build();
    }
}
