package io.popbridge.server;

import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.UpstreamObserver;
import io.popbridge.bridge.UpstreamSessionPool;
import io.popbridge.mapping.MappingStore;
import io.popbridge.ops.AdminServer;
import io.popbridge.ops.Metrics;
import io.popbridge.ops.Readiness;
import io.popbridge.bridge.HttpRouteLookup;
import io.popbridge.bridge.Route;
import io.popbridge.bridge.RouteResolver;
import io.popbridge.pop3.SessionObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running popbridge: the POP3 listeners, the admin listener and the configuration they were
 * built from, with {@link #reload} (what SIGHUP and a changed file call) and {@link #close}.
 *
 * <p>A reload reads and validates the whole file first; an invalid file changes nothing and is
 * logged in one line naming the key. A valid one applies to new connections and logins: routing,
 * upstream settings and policies (a new mailbox provider), POP3 settings, auth and limits, and
 * the POP3 certificate files are read again. Open sessions keep what they started with. Settings
 * that need new sockets or threads (listeners, admin listener, data directory, log format, TLS
 * sources, PROXY trust, reload watching) are not applied; a changed one is logged as needing a
 * restart. Reloads are serialized.
 */
public final class Instance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

    private final ConfigSource source;
    private final Metrics metrics;
    private final BridgeServer server;
    private final SwitchableProvider provider;
    private final ServerTls tls;
    private final AdminServer admin;
    private final ScheduledExecutorService watcher;
    private final MappingStore store;
    /** Idle upstream sessions for reuse; made once at start ({@code upstream.reuse} needs a restart). */
    private final UpstreamSessionPool pool;
    /** The listing cache, kept across reloads like the store; null when off. */
    private final io.popbridge.mapping.ListingCache listingCache;
    private volatile ServerConfig config;
    private FileStamp stamp;

    private Instance(ConfigSource source, ServerConfig config, Metrics metrics, BridgeServer server,
            SwitchableProvider provider, ServerTls tls, AdminServer admin, MappingStore store,
            io.popbridge.mapping.ListingCache listingCache, UpstreamSessionPool pool) {
        this.store = store;
        this.listingCache = listingCache;
        this.pool = pool;
        this.source = source;
        this.config = config;
        this.metrics = metrics;
        this.server = server;
        this.provider = provider;
        this.tls = tls;
        this.admin = admin;
        Path file = source == null ? null : source.file();
        if (file != null && config.ops().watchConfig()) {
            stamp = FileStamp.of(file);
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "popbridge-config-watch");
                t.setDaemon(true);
                return t;
            });
            long millis = config.ops().watchInterval().toMillis();
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            watcher = null;
        }
    }

    /**
     * Starts serving {@code config}.
     *
     * @param source where {@link #reload} reads the configuration again; null: reload only re-reads
     *     the certificate files
     */
    public static Instance start(ServerConfig config, ConfigSource source) throws Exception {
        return start(config, source, io.popbridge.ops.Readiness.CACHE_FOR);
    }

    /** As {@link #start(ServerConfig, ConfigSource)}, keeping readiness probe results for {@code probeCache}. */
    static Instance start(ServerConfig config, ConfigSource source, Duration probeCache) throws Exception {
        MappingStore store = Main.openStore(config);
        try {
            return start(config, source, probeCache, store);
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    private static Instance start(ServerConfig config, ConfigSource source, Duration probeCache, MappingStore store)
            throws Exception {
        ServerTls tls = config.needsCertificate() ? ServerTls.load(config.tls(), config.dataDir()) : null;
        Metrics metrics = config.ops().adminEnabled() ? new Metrics() : null;
        UpstreamSessionPool pool = new UpstreamSessionPool(config.reuse());
        if (metrics != null) {
            metrics.idleUpstreamSessions(pool::size);
        }
        io.popbridge.mapping.ListingCache listingCache = config.mapping().listingCacheMaxMessages() == 0 ? null
                : new io.popbridge.mapping.ListingCache(store, config.mapping().listingCacheMaxMessages(),
                        metrics != null ? metrics.registry() : null);
        SwitchableProvider provider = new SwitchableProvider(newProvider(config, metrics, store, listingCache, pool));
        BridgeServer server = BridgeServer.start(config.listeners(), tls, config.pop3(), provider, 0,
                config.ops().trustedProxies(), name -> metrics != null ? metrics.listener(name) : SessionObserver.NONE);
        AdminServer admin = null;
        Instance[] self = new Instance[1];
        try {
            if (metrics != null) {
                admin = AdminServer.start(config.ops().adminAddress(), metrics, server::listening,
                        () -> upstreams(self[0] == null ? config : self[0].config), probeCache);
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        self[0] = new Instance(source, config, metrics, server, provider, tls, admin, store, listingCache, pool);
        return self[0];
    }

    /** What {@code /readyz} probes: the upstream of every route, the default included. */
    private static List<Readiness.Target> upstreams(ServerConfig config) {
        List<Readiness.Target> targets = new ArrayList<>();
        for (Route route : config.router().routes()) {
            targets.add(new Readiness.Target(route.endpoint(), route.imap().sslContext()));
        }
        return targets;
    }

    private static ImapMailboxProvider newProvider(ServerConfig config, Metrics metrics, MappingStore store,
            io.popbridge.mapping.ListingCache listingCache, UpstreamSessionPool pool) {
        RouteResolver routes = config.lookup() == null ? config.router()
                : new HttpRouteLookup(config.lookup(), config.router());
        return new ImapMailboxProvider(config.bridge(), routes, metrics != null ? metrics : UpstreamObserver.NONE, store,
                config.mapping(), listingCache, pool);
    }

    public BridgeServer server() {
        return server;
    }

    /** The admin listener, or null when disabled. */
    public AdminServer admin() {
        return admin;
    }

    /** The configuration in force (the last one loaded successfully). */
    public ServerConfig config() {
        return config;
    }

    /**
     * Reads the configuration again and applies what can change while running (see the class
     * comment). Returns whether the new configuration was applied; on false the old one stays and
     * the reason is logged.
     *
     * @param trigger what asked for it, for the log ({@code SIGHUP}, {@code file change})
     */
    public synchronized boolean reload(String trigger) {
        if (tls != null) {
            tls.reload(); // certificate files first: they may change without the YAML changing
        }
        if (source == null) {
            LOG.info("reload ({}): no configuration file; certificate files re-read", trigger);
            return true;
        }
        ServerConfig next;
        try {
            next = source.load();
        } catch (ConfigException e) {
            LOG.error("reload ({}) failed, the current configuration stays in force: {}", trigger, e.getMessage());
            return false;
        }
        ServerConfig old = config;
        ImapMailboxProvider nextProvider;
        try {
            server.reconfigure(next.pop3());
            nextProvider = newProvider(next, metrics, store, listingCache, pool);
        } catch (RuntimeException e) {
            // the loader validates everything; this is the backstop for a contract that tightened
            server.reconfigure(old.pop3());
            LOG.error("reload ({}) failed, the current configuration stays in force: {}", trigger, e.getMessage());
            return false;
        }
        provider.switchTo(nextProvider);
        List<String> restart = needRestart(old, next);
        config = withUnapplied(next, old);
        LOG.info("reload ({}): configuration applied to new sessions ({} routes, delete policy {}){}", trigger,
                next.router().size(), next.bridge().deletePolicy(),
                restart.isEmpty() ? "" : "; changed but not applied until a restart: " + String.join(", ", restart));
        return true;
    }

    /** {@code next} with the settings a reload does not apply taken from {@code old}. */
    private static ServerConfig withUnapplied(ServerConfig next, ServerConfig old) {
        return new ServerConfig(old.listeners(), old.tls(), old.dataDir(), old.logFormat(), next.pop3(), next.bridge(),
                old.ops(), next.router(), next.lookup(), old.store(),
                next.mapping().withListingCache(old.mapping().listingCacheMaxMessages()), old.reuse());
    }

    /** The keys whose change needs a restart. */
    static List<String> needRestart(ServerConfig old, ServerConfig next) {
        List<String> keys = new ArrayList<>();
        if (!old.listeners().equals(next.listeners())) {
            keys.add("listeners");
        }
        if (!old.tls().equals(next.tls())) {
            keys.add("tls");
        }
        if (!old.dataDir().equals(next.dataDir())) {
            keys.add("data-dir");
        }
        if (!old.store().equals(next.store())) {
            keys.add("store");
        }
        if (old.mapping().listingCacheMaxMessages() != next.mapping().listingCacheMaxMessages()) {
            keys.add("mapping.listing-cache");
        }
        if (old.logFormat() != next.logFormat()) {
            keys.add("log-format");
        }
        OpsSettings a = old.ops();
        OpsSettings b = next.ops();
        if (a.adminEnabled() != b.adminEnabled() || !a.adminAddress().equals(b.adminAddress())) {
            keys.add("admin");
        }
        if (!a.trustedProxies().equals(b.trustedProxies())) {
            keys.add("proxy.trusted-networks");
        }
        if (!a.shutdownGrace().equals(b.shutdownGrace())) {
            keys.add("shutdown.grace-period");
        }
        if (!old.reuse().equals(next.reuse())) {
            keys.add("upstream.reuse");
        }
        if (a.watchConfig() != b.watchConfig() || !a.watchInterval().equals(b.watchInterval())) {
            keys.add("reload");
        }
        return keys;
    }

    private synchronized void reloadIfChanged() {
        try {
            FileStamp now = FileStamp.of(source.file());
            if (now.equals(stamp)) {
                return;
            }
            stamp = now;
            reload("file change");
        } catch (RuntimeException e) {
            LOG.warn("configuration file watch: {}", e.toString());
        }
    }

    /** Blocks until the server has been closed. */
    public void awaitClosed() throws InterruptedException {
        server.awaitClosed();
    }

    /** As {@link BridgeServer#close(Duration)}, then the admin listener. */
    public void close(Duration grace) {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        pool.close(); // LOGOUT of idle upstream sessions; sessions ending from now on log out too
        server.close(grace);
        if (admin != null) {
            admin.close();
        }
        store.close(); // after the sessions: a QUIT finishing in the grace period may still write
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** What tells a changed file apart: modification time and size (null fields if unreadable). */
    private record FileStamp(FileTime modified, long size) {
        static FileStamp of(Path file) {
            Objects.requireNonNull(file, "file");
            try {
                return new FileStamp(Files.getLastModifiedTime(file), Files.size(file));
            } catch (java.io.IOException e) {
                return new FileStamp(null, -1);
            }
        }
    }
}
