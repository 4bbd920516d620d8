package io.popbridge.server;

import io.popbridge.demo.DemoUpstream;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.mapping.StoreException;
import io.popbridge.ops.AdminServer;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code java -jar popbridge.jar}: the command line, then the POP3 listener. */
public final class Main implements Launcher {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        System.exit(Cli.run(args, new Main()));
    }

    @Override
    public void start(ServerConfig config, boolean demo) throws Exception {
        start(config, demo, null);
    }

    @Override
    public void start(ServerConfig config, boolean demo, ConfigSource source) throws Exception {
        Instance instance = Instance.start(config, source);
        BridgeServer server = instance.server();
        AdminServer admin = instance.admin();
        // SIGTERM / SIGINT: stop accepting, let sessions finish for the grace period, cut the rest.
        Thread shutdown = new Thread(() -> {
            log.info("shutting down: grace period {} s for open POP3 sessions", config.ops().shutdownGrace().toSeconds());
            instance.close(config.ops().shutdownGrace());
            log.info("popbridge stopped");
        }, "popbridge-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        Signals.onHangUp(() -> instance.reload("SIGHUP"));
        InetSocketAddress bound = server.localAddress();
        StringBuilder listening = new StringBuilder();
        List<InetSocketAddress> addresses = server.localAddresses();
        for (int i = 0; i < addresses.size(); i++) {
            listening.append(i == 0 ? "" : ", ").append(format(addresses.get(i))).append(" (")
                    .append(switch (config.listeners().get(i).tls()) {
                        case PLAIN_STLS -> "plain+stls";
                        case IMPLICIT_TLS -> "implicit-tls";
                        case PLAIN -> "plain";
                    }).append(config.listeners().get(i).proxyProtocol() ? ", proxy-protocol" : "").append(')');
        }
        log.info("popbridge {} listening for POP3 on {}{}, upstream {}{}, delete policy {}, retrieve policy {}",
                Cli.version(), listening, admin == null ? "" : ", admin (metrics, health) on http://" + format(admin.localAddress()), UpstreamUrl.format(config.bridge().upstream()),
                config.router().size() == 0 ? "" : " (+ " + config.router().size() + " routes)",
                config.bridge().deletePolicy(), config.bridge().retrievePolicy().name().toLowerCase(java.util.Locale.ROOT));
        if (demo) {
            System.out.println(demoHelp(bound));
            System.out.flush();
        }
        server.awaitClosed();
    }

    /**
     * Opens the mapping store (creating the SQLite file's directory) and migrates its schema.
     *
     * @throws ConfigException naming {@code store} and the reason, in one line
     */
    static MappingStore openStore(ServerConfig config) throws ConfigException {
        try {
            if (config.store() instanceof StoreConfig.Sqlite sqlite && sqlite.file().getParent() != null) {
                java.nio.file.Files.createDirectories(sqlite.file().getParent());
            }
            MappingStore store = MappingStore.open(config.store());
            log.info("mapping store: {} (schema {})", describe(config.store()), store.schemaVersion());
            return store;
        } catch (StoreException e) {
            throw new ConfigException("store", e.getMessage().replaceAll("[\\r\\n]+", " "));
        } catch (java.io.IOException e) {
            throw new ConfigException("store.path", "cannot create the directory of " + ((StoreConfig.Sqlite) config.store()).file()
                    + ": " + e.getClass().getSimpleName());
        }
    }

    private static String describe(StoreConfig store) {
        return store instanceof StoreConfig.Sqlite sqlite ? "sqlite " + sqlite.file() : store.toString();
    }

    static String demoHelp(InetSocketAddress bound) {
        String hostPort = format(bound);
        String user = DemoUpstream.USER;
        String password = DemoUpstream.PASSWORD;
        return String.join(System.lineSeparator(),
                "",
                "popbridge demo: POP3 on " + hostPort + " in front of a demo IMAP server with a few messages.",
                "Log in as " + user + " / " + password + ". Try:",
                "  curl pop3://" + user + ":" + password + "@" + hostPort + "/       (list messages)",
                "  curl pop3://" + user + ":" + password + "@" + hostPort + "/1      (retrieve message 1)",
                "  telnet " + bound.getHostString() + " " + bound.getPort()
                        + "    then: USER " + user + ", PASS " + password + ", STAT, UIDL, RETR 1, QUIT",
                "Press Ctrl-C to stop.",
                "");
    }

    private static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
