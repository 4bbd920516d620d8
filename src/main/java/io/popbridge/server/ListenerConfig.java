package io.popbridge.server;

import io.popbridge.pop3.TlsMode;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One POP3 listener.
 *
 * @param address where to listen
 * @param tls plain+stls, implicit-tls or plain
 * @param tlsMinVersion the oldest TLS version accepted: {@code TLSv1.2} (default), {@code TLSv1.1} or {@code TLSv1}
 * @param proxyProtocol whether connections start with a PROXY protocol v1/v2 header (from a
 *     trusted proxy only: {@code proxy.trusted-networks})
 */
public record ListenerConfig(InetSocketAddress address, TlsMode tls, String tlsMinVersion, boolean proxyProtocol) {

    public static final String DEFAULT_MIN_VERSION = "TLSv1.2";
    static final List<String> VERSIONS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(tlsMinVersion, "tlsMinVersion");
        if (!VERSIONS.contains(tlsMinVersion) || tlsMinVersion.equals("TLSv1.3")) {
            throw new IllegalArgumentException("'" + tlsMinVersion + "' is not TLSv1.2, TLSv1.1 or TLSv1");
        }
    }

    /** Without the PROXY protocol. */
    public ListenerConfig(InetSocketAddress address, TlsMode tls, String tlsMinVersion) {
        this(address, tls, tlsMinVersion, false);
    }

    /** A plain+stls listener with the default TLS versions. */
    public static ListenerConfig plainStls(InetSocketAddress address) {
        return new ListenerConfig(address, TlsMode.PLAIN_STLS, DEFAULT_MIN_VERSION);
    }

    /** The listener's name in logs and metric labels: its configured address, as {@code host:port}. */
    public String name() {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The TLS protocol versions offered, newest first. */
    public List<String> protocols() {
        return VERSIONS.subList(0, VERSIONS.indexOf(tlsMinVersion) + 1);
    }
}
