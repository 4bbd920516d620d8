package io.popbridge.server;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.pop3.Pop3Options;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a popbridge instance needs to start, validated.
 *
 * @param listen where the POP3 front end listens (default {@code 127.0.0.1:1110})
 * @param dataDir where local state (the UIDL store) lives (default {@code ./data})
 * @param logFormat how logs are written
 * @param pop3 POP3 front-end settings
 * @param bridge upstream and policies
 */
public record ServerConfig(InetSocketAddress listen, Path dataDir, LogFormat logFormat, Pop3Options pop3,
        BridgeOptions bridge) {

    /** Loopback and an unprivileged port: exposing the bridge is an explicit decision. */
    public static final InetSocketAddress DEFAULT_LISTEN =
            new InetSocketAddress("127.0.0.1", 1110);
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public ServerConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(pop3, "pop3");
        Objects.requireNonNull(bridge, "bridge");
    }
}
