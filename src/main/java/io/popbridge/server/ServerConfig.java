package io.popbridge.server;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.LoginRewrite;
import io.popbridge.bridge.MappingOptions;
import io.popbridge.bridge.Route;
import io.popbridge.bridge.RouteLookupOptions;
import io.popbridge.bridge.Router;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.pop3.Pop3Options;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything a popbridge instance needs to start, validated.
 *
 * @param listeners where the POP3 front end listens, and how it uses TLS there (default: one
 *     plain+stls listener on {@code 127.0.0.1:1110})
 * @param tls where the server certificate comes from
 * @param dataDir where local state (the UIDL store) lives (default {@code ./data})
 * @param logFormat how logs are written
 * @param pop3 POP3 front-end settings
 * @param bridge upstream and policies
 * @param ops admin listener, PROXY protocol trust and shutdown
 * @param router the upstream of each user; its fallback is the {@code upstream:} section
 * @param lookup {@code routing.lookup}: the HTTP routing service asked before {@code router}, or null
 * @param store where the mapping store lives ({@code store:}; default SQLite {@code <data-dir>/popbridge.db})
 * @param mapping how the bridge uses the store ({@code mapping:})
 */
public record ServerConfig(List<ListenerConfig> listeners, TlsSettings tls, Path dataDir, LogFormat logFormat,
        Pop3Options pop3, BridgeOptions bridge, OpsSettings ops, Router router, RouteLookupOptions lookup,
        StoreConfig store, MappingOptions mapping) {

    /** Loopback and an unprivileged port: exposing the bridge is an explicit decision. */
    public static final InetSocketAddress DEFAULT_LISTEN =
            new InetSocketAddress("127.0.0.1", 1110);
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public ServerConfig {
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: at least one is needed");
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(pop3, "pop3");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(mapping, "mapping");
        if (ops.trustedProxies().isEmpty() && listeners.stream().anyMatch(ListenerConfig::proxyProtocol)) {
            throw new IllegalArgumentException("proxy.trusted-networks: needed when a listener has proxy-protocol: true");
        }
    }

    /** Without a routing lookup, with the default store, {@code <dataDir>/popbridge.db}, and mapping options. */
    public ServerConfig(List<ListenerConfig> listeners, TlsSettings tls, Path dataDir, LogFormat logFormat,
            Pop3Options pop3, BridgeOptions bridge, OpsSettings ops, Router router) {
        this(listeners, tls, dataDir, logFormat, pop3, bridge, ops, router, null,
                new StoreConfig.Sqlite(dataDir.resolve("popbridge.db")), MappingOptions.DEFAULTS);
    }

    /** Every user on {@code bridge.upstream()}. */
    public ServerConfig(List<ListenerConfig> listeners, TlsSettings tls, Path dataDir, LogFormat logFormat,
            Pop3Options pop3, BridgeOptions bridge, OpsSettings ops) {
        this(listeners, tls, dataDir, logFormat, pop3, bridge, ops,
                Router.single(new Route(bridge.upstream(), bridge.imap(), LoginRewrite.AS_IS)));
    }

    /** With {@link OpsSettings#defaults()}. */
    public ServerConfig(List<ListenerConfig> listeners, TlsSettings tls, Path dataDir, LogFormat logFormat,
            Pop3Options pop3, BridgeOptions bridge) {
        this(listeners, tls, dataDir, logFormat, pop3, bridge, OpsSettings.defaults());
    }

    /** Whether any listener needs the server certificate. */
    public boolean needsCertificate() {
        return listeners.stream().anyMatch(l -> l.tls() != io.popbridge.pop3.TlsMode.PLAIN);
    }
}
