package io.popbridge.server;

import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.CidrRange;
import io.popbridge.pop3.TlsMode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The {@code listeners}, {@code tls} and {@code auth} sections of the configuration, validated. */
final class SecuritySettings {

    static final List<String> LISTENER = List.of("address", "tls", "tls-min-version", "proxy-protocol");
    static final Duration MAX_FAILURE_DELAY = Duration.ofMinutes(1);

    private SecuritySettings() {
    }

    static List<ListenerConfig> listeners(Section top) throws ConfigException {
        List<Section> entries = top.sections("listeners", LISTENER);
        if (entries.isEmpty()) {
            throw new ConfigException("listeners", "needs at least one listener");
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        Set<InetSocketAddress> seen = new HashSet<>();
        for (Section entry : entries) {
            String address = entry.string("address", null);
            if (address == null) {
                throw new ConfigException(entry.name("address"), "missing: host:port, as in 0.0.0.0:110");
            }
            InetSocketAddress bound;
            try {
                bound = ConfigLoader.parseListen(address);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(entry.name("address"), e.getMessage());
            }
            if (!seen.add(bound)) {
                throw new ConfigException(entry.name("address"), "'" + address + "' is already a listener");
            }
            String mode = entry.string("tls", "plain+stls");
            TlsMode tls = switch (mode.toLowerCase(Locale.ROOT)) {
                case "plain+stls" -> TlsMode.PLAIN_STLS;
                case "implicit-tls" -> TlsMode.IMPLICIT_TLS;
                case "plain" -> TlsMode.PLAIN;
                default -> throw new ConfigException(entry.name("tls"),
                        "'" + mode + "' is not plain+stls, implicit-tls or plain");
            };
            String min = entry.string("tls-min-version", ListenerConfig.DEFAULT_MIN_VERSION);
            boolean proxy = entry.bool("proxy-protocol", false);
            try {
                listeners.add(new ListenerConfig(bound, tls, min, proxy));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(entry.name("tls-min-version"), e.getMessage());
            }
        }
        return List.copyOf(listeners);
    }

    static TlsSettings tls(Section tls) throws ConfigException {
        String hostname = tls.string("hostname", null);
        if (hostname != null && !hostname.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
            throw new ConfigException(tls.name("hostname"), "'" + hostname + "' is not a DNS host name");
        }
        Path certificate = readableFile(tls, "certificate");
        Path key = readableFile(tls, "key");
        Path pkcs12 = readableFile(tls, "pkcs12");
        if (certificate != null && key == null) {
            throw new ConfigException(tls.name("key"), "missing: tls.certificate needs the PEM private key in tls.key");
        }
        if (key != null && certificate == null) {
            throw new ConfigException(tls.name("certificate"), "missing: tls.key needs the PEM certificate chain in tls.certificate");
        }
        if (pkcs12 != null && certificate != null) {
            throw new ConfigException(tls.name("pkcs12"), "use either tls.certificate and tls.key or tls.pkcs12, not both");
        }
        String password = null;
        if (tls.has("pkcs12-password")) {
            if (pkcs12 == null) {
                throw new ConfigException(tls.name("pkcs12-password"), "only goes with tls.pkcs12");
            }
            if (!tls.isNull("pkcs12-password")) {
                // never echoed in an error
                password = tls.secret("pkcs12-password");
            }
        }
        if (hostname != null && (certificate != null || pkcs12 != null)) {
            throw new ConfigException(tls.name("hostname"),
                    "only names the self-signed certificate; it has no effect with tls.certificate or tls.pkcs12");
        }
        Duration reload = tls.duration("reload-interval", TlsSettings.DEFAULT_RELOAD_INTERVAL);
        return new TlsSettings(hostname, certificate, key, pkcs12, password, reload);
    }

    private static Path readableFile(Section section, String key) throws ConfigException {
        String value = section.string(key, null);
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(section.name(key), "no such file: " + value);
        }
        if (!Files.isReadable(path)) {
            throw new ConfigException(section.name(key), "cannot read " + value);
        }
        return path;
    }

    /** A list of networks such as {@code [10.0.0.0/8, "2001:db8::/32"]}; errors name the element. */
    static List<CidrRange> networks(Section section, String key) throws ConfigException {
        List<CidrRange> networks = new ArrayList<>();
        List<String> texts = section.strings(key);
        for (int i = 0; i < texts.size(); i++) {
            try {
                networks.add(CidrRange.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(section.name(key) + "[" + i + "]", e.getMessage());
            }
        }
        return networks;
    }

    static AuthOptions auth(Section auth) throws ConfigException {
        AuthOptions d = AuthOptions.defaults();
        boolean cleartext = auth.bool("allow-cleartext", d.allowCleartext());
        boolean loopback = auth.bool("trust-loopback", d.trustLoopback());
        List<CidrRange> networks = new ArrayList<>();
        List<String> texts = auth.strings("trusted-networks");
        for (int i = 0; i < texts.size(); i++) {
            try {
                networks.add(CidrRange.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(auth.name("trusted-networks") + "[" + i + "]", e.getMessage());
            }
        }
        Duration delay = d.failureDelay();
        if (auth.has("failure-delay")) {
            delay = auth.zeroOrDuration("failure-delay");
            if (delay.compareTo(MAX_FAILURE_DELAY) > 0) {
                throw new ConfigException(auth.name("failure-delay"), "must be at most 1m");
            }
        }
        int maxFailures = auth.integer("max-failures", d.maxFailures(), 1, 100);
        Set<String> mechanisms = new LinkedHashSet<>();
        List<String> names = auth.strings("token-mechanisms");
        for (int i = 0; i < names.size(); i++) {
            String m = names.get(i).toUpperCase(Locale.ROOT);
            if (!AuthOptions.TOKEN_MECHANISMS.contains(m)) {
                throw new ConfigException(auth.name("token-mechanisms") + "[" + i + "]",
                        "'" + names.get(i) + "' is not XOAUTH2 or OAUTHBEARER");
            }
            mechanisms.add(m);
        }
        return new AuthOptions(cleartext, loopback, networks, delay, maxFailures, mechanisms);
    }
}
