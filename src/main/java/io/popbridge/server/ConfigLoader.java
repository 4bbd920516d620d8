package io.popbridge.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.LoginRewrite;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.bridge.RouteLookupOptions;
import io.popbridge.bridge.Route;
import io.popbridge.bridge.Router;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.LimitOptions;
import io.popbridge.pop3.Pop3Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML configuration file, applies command-line overrides and validates everything.
 *
 * <p>Validation walks the YAML tree itself (no data binding), so that every error names the full
 * dotted key; unknown keys, wrong types and out-of-range values are errors, never ignored.
 */
public final class ConfigLoader {

    /**
     * Values given on the command line; each non-null one replaces the file's.
     *
     * @param listen {@code --listen HOST:PORT}, or null; replaces every listener with one plain+stls listener
     * @param upstreamUrl {@code --upstream URL}, or null
     * @param allowPlaintextUpstream {@code --allow-plaintext-upstream}; true wins over the file
     */
    public record Overrides(String listen, String upstreamUrl, boolean allowPlaintextUpstream) {
        public static final Overrides NONE = new Overrides(null, null, false);
    }

    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(10);

    private static final List<String> TOP =
            List.of("listen", "listeners", "tls", "auth", "data-dir", "log-format", "upstream", "policy", "pop3",
                    "admin", "proxy", "shutdown", "routes", "limits", "reload", "routing", "store", "mapping");
    private static final List<String> LIMITS =
            List.of("max-connections", "max-connections-per-address", "max-sessions-per-user",
                    "max-sessions-per-user-and-address");
    private static final List<String> ADMIN = List.of("enabled", "address");
    private static final List<String> PROXY = List.of("trusted-networks");
    private static final List<String> SHUTDOWN = List.of("grace-period");
    private static final List<String> RELOAD = List.of("watch-config", "watch-interval");
    private static final List<String> TLS =
            List.of("hostname", "certificate", "key", "pkcs12", "pkcs12-password", "reload-interval");
    private static final List<String> AUTH = List.of("allow-cleartext", "trust-loopback", "trusted-networks",
            "failure-delay", "max-failures", "token-mechanisms", "penalty");
    private static final List<String> UPSTREAM =
            List.of("url", "allow-plaintext", "ca-file", "pin-sha256", "connect-timeout", "command-timeout",
                    "mailbox", "login", "forward-client-address", "reuse", "prefetch-limit");
    private static final List<String> REUSE = List.of("idle-time", "max-idle", "max-age");
    private static final List<String> ROUTE =
            List.of("domain", "user", "url", "allow-plaintext", "ca-file", "pin-sha256", "login",
                    "forward-client-address");
    private static final List<String> POLICY = List.of("delete", "retrieve", "hide-keyword");
    private static final List<String> POP3 = List.of("idle-timeout", "login-timeout", "login-deadline", "max-bad-commands",
            "implementation");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /** Loads {@code file} with no overrides. */
    public static ServerConfig load(Path file) throws ConfigException {
        return load(file, Overrides.NONE);
    }

    /**
     * Loads {@code file} (or only defaults when null) and applies {@code overrides}.
     *
     * @throws ConfigException naming the file and key, or the option, at fault
     */
    public static ServerConfig load(Path file, Overrides overrides) throws ConfigException {
        if (file == null) {
            return build(null, null, overrides);
        }
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, null, "no such file");
        } catch (IOException e) {
            throw new ConfigException(source, null, "cannot read: " + e.getMessage());
        }
        return parse(text, source, overrides);
    }

    /** Parses YAML {@code text}; {@code source} names it in errors. */
    public static ServerConfig parse(String text, String source, Overrides overrides) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String why = e.getOriginalMessage() == null ? "" : ": " + e.getOriginalMessage().lines().findFirst().orElse("");
            throw new ConfigException(source, null, "not valid YAML" + where + why + quoteHint(text, at));
        }
        return build(root, source, overrides);
    }

    /** YAML reads an unquoted {@code [::1]:110} as a list; say so instead of only "flow node". */
    private static String quoteHint(String text, JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        String line = text.lines().skip(at.getLineNr() - 1).findFirst().orElse("");
        return line.matches("\\s*[A-Za-z0-9_-]+:\\s*[\\[{].*")
                ? " (quote values that start with [ or {, as in listen: \"[::1]:110\")" : "";
    }

    private static ServerConfig build(JsonNode root, String source, Overrides overrides) throws ConfigException {
        FileSettings file;
        try {
            file = FileSettings.read(root);
        } catch (ConfigException e) {
            throw e.in(source);
        }

        List<ListenerConfig> listeners = file.listeners;
        if (overrides.listen() != null) {
            try {
                listeners = List.of(ListenerConfig.plainStls(parseListen(overrides.listen())));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--listen", e.getMessage());
            }
        }

        boolean allowPlaintext = file.allowPlaintext || overrides.allowPlaintextUpstream();
        UpstreamEndpoint upstream;
        if (overrides.upstreamUrl() != null) {
            try {
                upstream = UpstreamUrl.parse(overrides.upstreamUrl(), allowPlaintext);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--upstream", e.getMessage());
            }
        } else if (file.url != null) {
            try {
                upstream = UpstreamUrl.parse(file.url, allowPlaintext);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, "upstream.url", e.getMessage());
            }
        } else if (source == null) {
            throw new ConfigException(null, null,
                    "an upstream IMAP server is needed: pass --upstream URL, --config FILE with upstream.url, or --demo");
        } else {
            throw new ConfigException(source, "upstream.url",
                    "missing: an upstream IMAP server is needed (or pass --upstream URL or --demo)");
        }

        Route fallback = route(upstream, file.upstream, file, source);
        ImapClientOptions imap = fallback.imap();
        Map<String, Route> users = new LinkedHashMap<>();
        Map<String, Route> domains = new LinkedHashMap<>();
        for (RouteSpec spec : file.routes) {
            UpstreamEndpoint endpoint;
            try {
                endpoint = UpstreamUrl.parse(spec.upstream.url,
                        spec.upstream.allowPlaintext || overrides.allowPlaintextUpstream());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, spec.upstream.prefix + "url", e.getMessage());
            }
            Route route = route(endpoint, spec.upstream, file, source);
            if (spec.user != null) {
                users.put(spec.user, route);
            } else {
                domains.put(spec.domain, route);
            }
        }
        Router router = new Router(fallback, users, domains);
        RouteLookupOptions lookup = null;
        if (file.lookup != null) {
            LookupSettings l = file.lookup;
            SslContext lookupTls = clientTls(file.upstream.caFile, source, "upstream.");
            boolean lookupPlaintext = file.allowPlaintext || overrides.allowPlaintextUpstream();
            ImapClientOptions d = ImapClientOptions.defaults();
            lookup = new RouteLookupOptions(l.url(), l.post(), l.timeout(), l.cacheTtl(), l.cacheSize(), l.staticOnFailure(),
                    url -> {
                        UpstreamEndpoint endpoint = UpstreamUrl.parse(url, lookupPlaintext);
                        ImapClientOptions options = new ImapClientOptions(file.connectTimeout, file.commandTimeout,
                                d.maxLineLength(), d.maxLiteralSize(),
                                endpoint.security() == UpstreamEndpoint.Security.PLAIN ? null : lookupTls);
                        return new Route(endpoint, options, LoginRewrite.AS_IS, null,
                                file.upstream.forwardClientAddress);
                    });
        }
        BridgeOptions bridge;
        try {
            bridge = new BridgeOptions(upstream, imap, file.mailbox, file.delete, file.retrieve, file.hideKeyword,
                    file.prefetchLimit);
        } catch (IllegalArgumentException e) {
            // FileSettings checks each of these; this is the backstop for a contract that tightened.
            throw new ConfigException(source, "policy", e.getMessage());
        }
        if (file.ops.trustedProxies().isEmpty() && listeners.stream().anyMatch(ListenerConfig::proxyProtocol)) {
            throw new ConfigException(source, "proxy.trusted-networks",
                    "missing: a listener has proxy-protocol: true, so list the proxies' networks here");
        }
        if (file.ops.adminEnabled()
                && listeners.stream().anyMatch(l -> l.address().equals(file.ops.adminAddress()))) {
            throw new ConfigException(source, "admin.address", "is also a POP3 listener's address");
        }
        return new ServerConfig(listeners, file.tls, file.dataDir, file.logFormat, file.pop3, bridge, file.ops,
                router, lookup, file.store, file.mapping, file.reuse);
    }

    /** The route to {@code endpoint} with the TLS settings of {@code spec} and the file's timeouts. */
    private static Route route(UpstreamEndpoint endpoint, UpstreamSpec spec, FileSettings file, String source)
            throws ConfigException {
        SslContext ssl = endpoint.security() == UpstreamEndpoint.Security.PLAIN
                ? null : clientTls(spec.caFile, source, spec.prefix);
        if (!spec.pins.isEmpty() && ssl == null) {
            throw new ConfigException(source, spec.prefix + "pin-sha256",
                    "pins need a TLS upstream (imaps:// or imap+starttls://)");
        }
        ImapClientOptions defaults = ImapClientOptions.defaults();
        ImapClientOptions imap = new ImapClientOptions(file.connectTimeout, file.commandTimeout,
                defaults.maxLineLength(), defaults.maxLiteralSize(), ssl).withPublicKeyPins(spec.pins);
        return new Route(endpoint, imap, spec.login, null, spec.forwardClientAddress);
    }

    /**
     * A client TLS context: the JDK trust store (or only the CAs in {@code caFile}), TLS 1.3 and
     * 1.2, host name verification on.
     */
    static SslContext clientTls(Path caFile, String source) throws ConfigException {
        return clientTls(caFile, source, "upstream.");
    }

    /** As {@link #clientTls(Path, String)}; errors name the keys under {@code prefix}. */
    static SslContext clientTls(Path caFile, String source, String prefix) throws ConfigException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm("HTTPS");
        try {
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
            return builder.build();
        } catch (Exception e) {
            String why = rootMessage(e);
            if (caFile != null) {
                throw new ConfigException(source, prefix + "ca-file",
                        "cannot use " + caFile + " as a PEM CA bundle: " + why);
            }
            throw new ConfigException(source, prefix + "url", "cannot set up TLS: " + why);
        }
    }

    /**
     * Parses {@code host:port}: an IPv4 address, a host name or a bracketed IPv6 address, then a
     * port from 1 to 65535. Host names are resolved now, so a typo fails at start-up.
     */
    public static InetSocketAddress parseListen(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not [IPv6]:port, as in [::1]:110");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (UpstreamUrl.literal(host) == null || host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' is not host:port, as in 127.0.0.1:1110");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 address goes in brackets, as in [::1]:110");
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + text
                        + "' has no host (use 0.0.0.0 or [::] to listen on every interface)");
            }
        }
        int number = UpstreamUrl.parsePort(port);
        InetSocketAddress address = new InetSocketAddress(host, number);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'");
        }
        return address;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /**
     * One upstream's connection settings as written in the file ({@code upstream:} or a route).
     *
     * @param prefix the keys' prefix in errors, as in {@code routes[2].}
     */
    private record UpstreamSpec(String prefix, String url, boolean allowPlaintext, Path caFile, Set<String> pins,
            LoginRewrite login, boolean forwardClientAddress) {

        static UpstreamSpec read(Section section) throws ConfigException {
            String url = section.string("url", null);
            boolean allowPlaintext = section.bool("allow-plaintext", false);
            Path caFile = null;
            String ca = section.string("ca-file", null);
            if (ca != null) {
                caFile = Path.of(ca);
                if (!Files.isRegularFile(caFile)) {
                    throw new ConfigException(section.name("ca-file"), "no such file: " + ca);
                }
                if (!Files.isReadable(caFile)) {
                    throw new ConfigException(section.name("ca-file"), "cannot read " + ca);
                }
            }
            List<String> pinList = section.strings("pin-sha256");
            Set<String> pins;
            try {
                pins = ImapClientOptions.defaults().withPublicKeyPins(new LinkedHashSet<>(pinList)).publicKeyPins();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(section.name("pin-sha256"),
                        "each pin is the base64 SHA-256 of a SubjectPublicKeyInfo (44 characters ending in =)");
            }
            LoginRewrite login;
            try {
                login = LoginRewrite.parse(section.string("login", "as-is"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(section.name("login"), e.getMessage());
            }
            boolean forward = section.bool("forward-client-address", false);
            return new UpstreamSpec(section.name(""), url, allowPlaintext, caFile, pins, login, forward);
        }
    }

    /** One {@code routes:} entry: exactly one of {@code domain} and {@code user} (lower case). */
    private record RouteSpec(String domain, String user, UpstreamSpec upstream) {
    }

    private static List<RouteSpec> routes(Section top) throws ConfigException {
        List<RouteSpec> routes = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Section entry : top.sections("routes", ROUTE)) {
            String domain = entry.string("domain", null);
            String user = entry.string("user", null);
            if (domain != null && user != null) {
                throw new ConfigException(entry.name("user"), "a route has either domain or user, not both");
            }
            if (domain == null && user == null) {
                throw new ConfigException(entry.name("domain"),
                        "missing: a route needs domain (example.com) or user (alice@example.com)");
            }
            String key;
            String match;
            if (domain != null) {
                domain = domain.toLowerCase(Locale.ROOT);
                if (domain.startsWith("@")) {
                    throw new ConfigException(entry.name("domain"), "write the domain without @, as in example.com");
                }
                if (domain.contains("@") || domain.chars().anyMatch(Character::isWhitespace)) {
                    throw new ConfigException(entry.name("domain"), "'" + domain + "' is not a domain");
                }
                key = entry.name("domain");
                match = "domain " + domain;
            } else {
                user = user.toLowerCase(Locale.ROOT);
                if (user.chars().anyMatch(Character::isWhitespace)) {
                    throw new ConfigException(entry.name("user"), "'" + user + "' contains white space");
                }
                key = entry.name("user");
                match = "user " + user;
            }
            String earlier = seen.putIfAbsent(match, key);
            if (earlier != null) {
                throw new ConfigException(key, "duplicate " + match + " (also in " + earlier + ")");
            }
            UpstreamSpec upstream = UpstreamSpec.read(entry);
            if (upstream.url == null) {
                throw new ConfigException(entry.name("url"), "missing: the route's upstream, as in imaps://mail.example.com");
            }
            routes.add(new RouteSpec(domain, user, upstream));
        }
        return List.copyOf(routes);
    }

    /** The file's settings, each validated, with defaults filled in. */
    private static final class FileSettings {
        List<ListenerConfig> listeners = List.of(ListenerConfig.plainStls(ServerConfig.DEFAULT_LISTEN));
        TlsSettings tls = TlsSettings.defaults();
        Path dataDir = ServerConfig.DEFAULT_DATA_DIR;
        LogFormat logFormat = LogFormat.TEXT;
        String url;
        boolean allowPlaintext;
        UpstreamSpec upstream;
        List<RouteSpec> routes = List.of();
        LookupSettings lookup;
        Duration connectTimeout;
        Duration commandTimeout;
        String mailbox;
        DeletePolicy delete;
        RetrievePolicy retrieve;
        String hideKeyword;
        int prefetchLimit;
        Pop3Options pop3;
        OpsSettings ops = OpsSettings.defaults();
        io.popbridge.mapping.StoreConfig store;
        io.popbridge.bridge.MappingOptions mapping;
        io.popbridge.bridge.ReuseOptions reuse;

        static FileSettings read(JsonNode root) throws ConfigException {
            FileSettings s = new FileSettings();
            Section top = Section.root(root, TOP);

            String listen = top.string("listen", null);
            if (listen != null) {
                if (top.has("listeners")) {
                    throw new ConfigException("listeners", "use either listen (one plain+stls listener) or listeners, not both");
                }
                try {
                    s.listeners = List.of(ListenerConfig.plainStls(parseListen(listen)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("listen", e.getMessage());
                }
            }
            if (top.has("listeners")) {
                s.listeners = SecuritySettings.listeners(top);
            }
            s.tls = SecuritySettings.tls(top.section("tls", TLS));
            String dataDir = top.string("data-dir", null);
            if (dataDir != null) {
                s.dataDir = Path.of(dataDir).normalize();
            }
            String format = top.string("log-format", "text");
            s.logFormat = switch (format.toLowerCase(Locale.ROOT)) {
                case "text" -> LogFormat.TEXT;
                case "json" -> LogFormat.JSON;
                default -> throw new ConfigException("log-format",
                        "'" + format + "' is not a log format (expected text or json)");
            };

            Section upstream = top.section("upstream", UPSTREAM);
            s.upstream = UpstreamSpec.read(upstream);
            s.url = s.upstream.url;
            s.allowPlaintext = s.upstream.allowPlaintext;
            ImapClientOptions imapDefaults = ImapClientOptions.defaults();
            s.connectTimeout = upstream.duration("connect-timeout", imapDefaults.connectTimeout());
            s.commandTimeout = upstream.duration("command-timeout", imapDefaults.commandTimeout());
            s.mailbox = upstream.string("mailbox", "INBOX");
            s.prefetchLimit = upstream.integer("prefetch-limit", BridgeOptions.DEFAULT_PREFETCH_LIMIT, 0,
                    BridgeOptions.MAX_PREFETCH_LIMIT);
            s.reuse = reuse(upstream.section("reuse", REUSE));
            s.routes = routes(top);
            s.lookup = LookupSettings.read(top);

            Section policy = top.section("policy", POLICY);
            String delete = policy.string("delete", "hide");
            try {
                s.delete = DeletePolicy.parse(delete);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(policy.name("delete"), e.getMessage());
            }
            String retrieve = policy.string("retrieve", "peek");
            try {
                s.retrieve = RetrievePolicy.parse(retrieve);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(policy.name("retrieve"), e.getMessage());
            }
            s.hideKeyword = policy.string("hide-keyword", BridgeOptions.DEFAULT_HIDE_KEYWORD);
            if (!s.hideKeyword.matches("[!#$%&'+\\-.0-9A-Z^_`a-z|~]{1,64}")) {
                throw new ConfigException(policy.name("hide-keyword"), "'" + s.hideKeyword
                        + "' is not an IMAP keyword (letters, digits and !#$%&'+-.^_`|~, at most 64, no \\)");
            }

            Section pop3 = top.section("pop3", POP3);
            Pop3Options d = Pop3Options.defaults();
            Duration idle = pop3.duration("idle-timeout", d.idleTimeout());
            if (idle.compareTo(MIN_IDLE_TIMEOUT) < 0) {
                throw new ConfigException(pop3.name("idle-timeout"),
                        "must be at least 10m (RFC 1939 section 3: the autologout timer is at least 10 minutes)");
            }
            Duration login = pop3.duration("login-timeout", d.loginTimeout());
            int maxBad = pop3.integer("max-bad-commands", d.maxBadCommands(), 1, 1000);
            String implementation = d.implementation();
            if (pop3.isNull("implementation")) {
                implementation = null; // explicitly not advertised in CAPA
            } else if (pop3.has("implementation")) {
                implementation = pop3.string("implementation", implementation);
                if (implementation.length() > 200 || !implementation.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                    throw new ConfigException(pop3.name("implementation"),
                            "expected printable ASCII of at most 200 characters");
                }
            }
            Duration deadline = LimitOptions.DEFAULT_LOGIN_DEADLINE;
            if (pop3.has("login-deadline")) {
                deadline = pop3.zeroOrDuration("login-deadline");
            }
            Section limits = top.section("limits", LIMITS);
            LimitOptions limitOptions = new LimitOptions(
                    limits.integer("max-connections", LimitOptions.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                    limits.integer("max-connections-per-address", LimitOptions.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                            1, 1_000_000),
                    limits.integer("max-sessions-per-user", LimitOptions.DEFAULT_MAX_SESSIONS_PER_USER, 1, 10_000),
                    deadline, top.section("auth", AUTH).bool("penalty", true),
                    limits.integer("max-sessions-per-user-and-address",
                            LimitOptions.DEFAULT_MAX_SESSIONS_PER_USER_AND_ADDRESS, 1, 10_000));
            s.pop3 = new Pop3Options(d.maxLineLength(), idle, login, maxBad, implementation,
                    SecuritySettings.auth(top.section("auth", AUTH)), limitOptions);
            s.ops = ops(top);
            s.store = StoreSettings.store(top.section("store", StoreSettings.STORE), s.dataDir);
            s.mapping = StoreSettings.mapping(top.section("mapping", StoreSettings.MAPPING));
            return s;
        }

        /** {@code upstream.reuse}: idle-time 0 turns reuse off; see docs/security.md. */
        private static io.popbridge.bridge.ReuseOptions reuse(Section reuse) throws ConfigException {
            java.time.Duration idle = io.popbridge.bridge.ReuseOptions.DEFAULT_IDLE_TIME;
            if (reuse.has("idle-time")) {
                idle = reuse.zeroOrDuration("idle-time");
            }
            if (idle.compareTo(io.popbridge.bridge.ReuseOptions.MAX_IDLE_TIME) > 0) {
                throw new ConfigException(reuse.name("idle-time"), "must be at most 5m (0 turns reuse off)");
            }
            int max = reuse.integer("max-idle", io.popbridge.bridge.ReuseOptions.DEFAULT_MAX_IDLE, 1, 1_000_000);
            java.time.Duration age = reuse.duration("max-age",
                    idle.compareTo(io.popbridge.bridge.ReuseOptions.DEFAULT_MAX_AGE) > 0 ? idle
                            : io.popbridge.bridge.ReuseOptions.DEFAULT_MAX_AGE);
            if (age.compareTo(idle) < 0 || age.compareTo(io.popbridge.bridge.ReuseOptions.MAX_MAX_AGE) > 0) {
                throw new ConfigException(reuse.name("max-age"), "must be from idle-time (" + idle + ") to 1h");
            }
            return new io.popbridge.bridge.ReuseOptions(idle, max, age);
        }

        private static OpsSettings ops(Section top) throws ConfigException {
            Section admin = top.section("admin", ADMIN);
            boolean enabled = admin.bool("enabled", true);
            InetSocketAddress address = OpsSettings.DEFAULT_ADMIN_ADDRESS;
            String text = admin.string("address", null);
            if (text != null) {
                try {
                    address = parseListen(text);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(admin.name("address"), e.getMessage());
                }
            }
            Section proxy = top.section("proxy", PROXY);
            List<io.popbridge.pop3.CidrRange> trusted = SecuritySettings.networks(proxy, "trusted-networks");
            Section shutdown = top.section("shutdown", SHUTDOWN);
            Duration grace = OpsSettings.DEFAULT_SHUTDOWN_GRACE;
            if (shutdown.has("grace-period")) {
                grace = shutdown.zeroOrDuration("grace-period");
            }
            Section reload = top.section("reload", RELOAD);
            boolean watch = reload.bool("watch-config", false);
            Duration interval = reload.duration("watch-interval", OpsSettings.DEFAULT_WATCH_INTERVAL);
            return new OpsSettings(enabled, address, trusted, grace, watch, interval);
        }
    }
}
