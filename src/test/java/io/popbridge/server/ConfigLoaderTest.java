package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.imap.UpstreamEndpoint.Security;
import io.popbridge.pop3.AuthOptions;
import io.popbridge.pop3.CidrRange;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.TlsMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    private static final String URL = "upstream:\n  url: imaps://mail.example.com\n";
    /** A syntactically valid pin: base64 of 32 octets. */
    private static final String PIN = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void publicKeyPinsReachTheImapOptions() throws Exception {
        ServerConfig config = ConfigLoader.parse(URL + "  pin-sha256: [ \"" + PIN + "\" ]\n", "test.yaml",
                ConfigLoader.Overrides.NONE);
        assertEquals(java.util.Set.of(PIN), config.bridge().imap().publicKeyPins());
    }

    @Test
    void routesChooseTheUpstreamPerUser() throws Exception {
        ServerConfig config = ConfigLoader.parse(URL + "  login: strip-domain\n"
                + "routes:\n"
                + "  - domain: Example.ORG\n    url: imaps://org.example.net:1993\n"
                + "  - user: Boss@example.org\n    url: imap+starttls://boss.example.net\n    login: strip-domain\n"
                + "  - domain: plain.example\n    url: imap://127.0.0.1:1143\n    allow-plaintext: true\n"
                + "    login: as-is\n", "test.yaml", ConfigLoader.Overrides.NONE);
        io.popbridge.bridge.Router router = config.router();
        assertEquals(3, router.size());
        io.popbridge.bridge.Route fallback = router.route("someone@elsewhere.example");
        assertEquals("mail.example.com:993", fallback.label());
        assertEquals(io.popbridge.bridge.LoginRewrite.STRIP_DOMAIN, fallback.login());
        assertNotNull(fallback.imap().sslContext());
        io.popbridge.bridge.Route org = router.route("carol@EXAMPLE.org");
        assertEquals("org.example.net:1993", org.label());
        assertEquals(io.popbridge.bridge.LoginRewrite.AS_IS, org.login());
        io.popbridge.bridge.Route boss = router.route("boss@example.ORG");
        assertEquals("boss.example.net:143", boss.label());
        assertEquals(Security.STARTTLS, boss.endpoint().security());
        assertEquals(io.popbridge.bridge.LoginRewrite.STRIP_DOMAIN, boss.login());
        io.popbridge.bridge.Route plain = router.route("x@plain.example");
        assertEquals(Security.PLAIN, plain.endpoint().security());
        assertNull(plain.imap().sslContext());
        assertEquals(0, ConfigLoader.parse(URL, "test.yaml", ConfigLoader.Overrides.NONE).router().size());
    }

    @TempDir
    Path dir;

    static Stream<Arguments> invalidFiles() {
        return Stream.of(
                // yaml, key named, words of the problem
                Arguments.of("listen: 127.0.0.1\n" + URL, "listen", "is not host:port"),
                Arguments.of("listen: 127.0.0.1:0\n" + URL, "listen", "port 0 is out of range"),
                Arguments.of("listen: 127.0.0.1:65536\n" + URL, "listen", "port 65536 is out of range"),
                Arguments.of("listen: 127.0.0.1:pop\n" + URL, "listen", "'pop' is not a port"),
                Arguments.of("listen: ::1:110\n" + URL, "listen", "IPv6 address goes in brackets"),
                Arguments.of("listen: 1110\n" + URL, "listen", "expected text, found 1110"),
                Arguments.of("listne: 127.0.0.1:1110\n" + URL, "listne", "unknown setting (did you mean listen?)"),
                Arguments.of("log-format: xml\n" + URL, "log-format", "'xml' is not a log format (expected text or json)"),
                Arguments.of("data-dir: ''\n" + URL, "data-dir", "is empty"),
                Arguments.of("upstream: imaps://mail.example.com\n", "upstream", "expected a mapping"),
                Arguments.of("upstream:\n  url: pop3://mail.example.com\n", "upstream.url", "unsupported scheme 'pop3'"),
                Arguments.of("upstream:\n  url: imap://mail.example.com\n", "upstream.url", "in clear"),
                Arguments.of("upstream:\n  url: imaps://mail.example.com/INBOX\n", "upstream.url", "a path ('/INBOX')"),
                Arguments.of("upstream:\n  url: imaps://user:secret@mail.example.com\n", "upstream.url", "user info"),
                Arguments.of("upstream:\n  url: imaps://mail.example.com:99999\n", "upstream.url", "port 99999 is out of range"),
                Arguments.of("upstream:\n  mailbox: INBOX\n", "upstream.url", "missing"),
                Arguments.of(URL + "  urll: x\n", "upstream.urll", "did you mean upstream.url?"),
                Arguments.of(URL + "  allow-plaintext: yes please\n", "upstream.allow-plaintext", "expected true or false"),
                Arguments.of(URL + "  ca-file: /nonexistent/ca.pem\n", "upstream.ca-file", "no such file"),
                Arguments.of(URL + "  pin-sha256: [ not-a-pin ]\n", "upstream.pin-sha256", "base64 SHA-256"),
                Arguments.of(URL + "  pin-sha256: abc\n", "upstream.pin-sha256", "expected a list"),
                Arguments.of("upstream:\n  url: imap://127.0.0.1\n  pin-sha256: [ \"" + PIN + "\" ]\n",
                        "upstream.pin-sha256", "need a TLS upstream"),
                Arguments.of(URL + "  connect-timeout: 10\n", "upstream.connect-timeout", "expected a duration"),
                Arguments.of(URL + "  connect-timeout: 10 sec\n", "upstream.connect-timeout", "expected a duration"),
                Arguments.of(URL + "  command-timeout: 0s\n", "upstream.command-timeout", "longer than zero"),
                Arguments.of(URL + "  command-timeout: -5s\n", "upstream.command-timeout", "expected a duration"),
                Arguments.of(URL + "  command-timeout: 25h\n", "upstream.command-timeout", "at most 24h"),
                Arguments.of(URL + "  command-timeout: 999999999h\n", "upstream.command-timeout", "at most 24h"),
                Arguments.of(URL + "  mailbox:\n", "upstream.mailbox", "has no value"),
                Arguments.of(URL + "  reuse:\n    idle-time: 10m\n", "upstream.reuse.idle-time", "at most 5m"),
                Arguments.of(URL + "  reuse:\n    idle-time: soon\n", "upstream.reuse.idle-time", "expected a duration"),
                Arguments.of(URL + "  reuse:\n    max-idle: 0\n", "upstream.reuse.max-idle", "from 1 to"),
                Arguments.of(URL + "  reuse:\n    idle-time: 30s\n    max-age: 10s\n", "upstream.reuse.max-age",
                        "must be from idle-time"),
                Arguments.of(URL + "  reuse:\n    idle: 5s\n", "upstream.reuse.idle", "unknown setting"),
                Arguments.of(URL + "  prefetch-limit: -1\n", "upstream.prefetch-limit", "from 0 to 16777216"),
                Arguments.of(URL + "  prefetch-limit: 256k\n", "upstream.prefetch-limit", "expected a whole number"),
                Arguments.of(URL + "  prefetch-limit: 16777217\n", "upstream.prefetch-limit", "from 0 to 16777216"),
                Arguments.of(URL + "policy:\n  delete: foo\n", "policy.delete",
                        "'foo' is not a delete policy (expected hide, seen, expunge or move:<folder>)"),
                Arguments.of(URL + "policy:\n  delete: 'move:'\n", "policy.delete", "move needs a folder name"),
                Arguments.of(URL + "policy:\n  retrieve: read\n", "policy.retrieve", "not a retrieve policy"),
                Arguments.of(URL + "policy:\n  hide-keyword: '\\Deleted'\n", "policy.hide-keyword", "not an IMAP keyword"),
                Arguments.of(URL + "policy:\n  delete_policy: hide\n", "policy.delete_policy", "unknown setting"),
                Arguments.of(URL + "pop3:\n  idle-timeout: 5m\n", "pop3.idle-timeout", "at least 10m"),
                Arguments.of(URL + "pop3:\n  idle-timeout: 599s\n", "pop3.idle-timeout", "at least 10m"),
                Arguments.of(URL + "pop3:\n  login-timeout: soon\n", "pop3.login-timeout", "expected a duration"),
                Arguments.of(URL + "pop3:\n  max-bad-commands: 0\n", "pop3.max-bad-commands", "from 1 to 1000"),
                Arguments.of(URL + "pop3:\n  max-bad-commands: ten\n", "pop3.max-bad-commands", "from 1 to 1000"),
                Arguments.of(URL + "pop3:\n  implementation: [a, b]\n", "pop3.implementation", "expected text, found a list"),
                Arguments.of(URL + "pop3:\n  idle_timeout: 10m\n", "pop3.idle_timeout", "did you mean pop3.idle-timeout?"),
                Arguments.of(URL + "smtp:\n  port: 25\n", "smtp", "unknown setting"),
                // limits
                Arguments.of(URL + "pop3:\n  login-deadline: soon\n", "pop3.login-deadline", "expected a duration"),
                Arguments.of(URL + "pop3:\n  login-deadline: -1m\n", "pop3.login-deadline", "expected a duration"),
                Arguments.of(URL + "limits:\n  max-connections: 0\n", "limits.max-connections", "from 1 to 1000000"),
                Arguments.of(URL + "limits:\n  max-connections: lots\n", "limits.max-connections", "from 1 to 1000000"),
                Arguments.of(URL + "limits:\n  max-connections-per-address: 0\n", "limits.max-connections-per-address",
                        "from 1 to 1000000"),
                Arguments.of(URL + "limits:\n  max-sessions-per-user: 0\n", "limits.max-sessions-per-user",
                        "from 1 to 10000"),
                Arguments.of(URL + "limits:\n  max-sessions-per-user-and-address: 0\n",
                        "limits.max-sessions-per-user-and-address", "expected a whole number from 1 to 10000, found 0"),
                Arguments.of(URL + "limits:\n  max-sessions-per-user: 2.5\n", "limits.max-sessions-per-user",
                        "from 1 to 10000"),
                Arguments.of(URL + "limits:\n  max-sessions: 3\n", "limits.max-sessions", "unknown setting"),
                Arguments.of(URL + "routing:\n  lookup:\n    method: GET\n", "routing.lookup.url", "missing"),
                Arguments.of(URL + "routing:\n  lookup:\n    url: ftp://x/\n", "routing.lookup.url",
                        "expected an http:// or https:// URL"),
                Arguments.of(URL + "routing:\n  lookup:\n    url: http://x/\n    method: PUT\n",
                        "routing.lookup.method", "expected GET or POST"),
                Arguments.of(URL + "routing:\n  lookup:\n    url: http://x/\n    on-failure: retry\n",
                        "routing.lookup.on-failure", "expected temp-fail or static"),
                Arguments.of(URL + "routing:\n  lookup:\n    url: http://x/\n    password: x\n",
                        "routing.lookup.password", "unknown setting"),
                Arguments.of(URL + "limits: 10\n", "limits", "expected a mapping"),
                Arguments.of(URL + "auth:\n  penalty: yes please\n", "auth.penalty", "expected true or false"),
                // listeners, tls, auth
                Arguments.of(URL + "listen: 127.0.0.1:110\nlisteners:\n  - address: 127.0.0.1:995\n", "listeners",
                        "either listen"),
                Arguments.of(URL + "listeners: []\n", "listeners", "at least one listener"),
                Arguments.of(URL + "listeners: 127.0.0.1:110\n", "listeners", "expected a list of mappings"),
                Arguments.of(URL + "listeners:\n  - 127.0.0.1:110\n", "listeners[0]", "expected a mapping"),
                Arguments.of(URL + "listeners:\n  - tls: plain+stls\n", "listeners[0].address", "missing"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1\n", "listeners[0].address", "is not host:port"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:110\n  - address: 127.0.0.1:110\n",
                        "listeners[1].address", "already a listener"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:110\n    tls: starttls\n", "listeners[0].tls",
                        "not plain+stls, implicit-tls or plain"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:995\n    tls-min-version: SSLv3\n",
                        "listeners[0].tls-min-version", "is not TLSv1.2, TLSv1.1 or TLSv1"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:995\n    proxy-protocol: yes please\n",
                        "listeners[0].proxy-protocol", "expected true or false"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:995\n    proxy: true\n",
                        "listeners[0].proxy", "known here: address, tls, tls-min-version, proxy-protocol"),
                // admin, proxy, shutdown
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:995\n    proxy-protocol: true\n",
                        "proxy.trusted-networks", "missing"),
                Arguments.of(URL + "listeners:\n  - address: 127.0.0.1:995\n    proxy-protocol: true\nproxy:\n"
                        + "  trusted-networks: []\n", "proxy.trusted-networks", "missing"),
                Arguments.of(URL + "proxy:\n  trusted-networks: 10.0.0.0/8\n", "proxy.trusted-networks", "expected a list"),
                Arguments.of(URL + "proxy:\n  trusted-networks: [10.0.0.0/33]\n", "proxy.trusted-networks[0]",
                        "prefix length that is not 0 to 32"),
                Arguments.of(URL + "proxy:\n  trusted: [10.0.0.0/8]\n", "proxy.trusted", "unknown setting"),
                Arguments.of(URL + "admin:\n  enabled: maybe\n", "admin.enabled", "expected true or false"),
                Arguments.of(URL + "admin:\n  address: 127.0.0.1\n", "admin.address", "is not host:port"),
                Arguments.of(URL + "admin:\n  address: 127.0.0.1:1110\n", "admin.address", "is also a POP3 listener"),
                Arguments.of(URL + "admin:\n  port: 9110\n", "admin.port", "unknown setting"),
                Arguments.of(URL + "shutdown:\n  grace-period: 30\n", "shutdown.grace-period", "expected a duration"),
                Arguments.of(URL + "shutdown:\n  grace-period: 25h\n", "shutdown.grace-period", "at most 24h"),
                Arguments.of(URL + "shutdown:\n  grace: 30s\n", "shutdown.grace", "known here: grace-period"),
                Arguments.of(URL + "tls:\n  certificate: /nonexistent/c.pem\n", "tls.certificate", "no such file"),
                Arguments.of(URL + "tls:\n  key: /nonexistent/k.pem\n", "tls.key", "no such file"),
                Arguments.of(URL + "tls:\n  pkcs12: /nonexistent/s.p12\n", "tls.pkcs12", "no such file"),
                Arguments.of(URL + "tls:\n  pkcs12-password: secret\n", "tls.pkcs12-password", "only goes with tls.pkcs12"),
                Arguments.of(URL + "tls:\n  hostname: 'bad host'\n", "tls.hostname", "not a DNS host name"),
                Arguments.of(URL + "tls:\n  reload-interval: often\n", "tls.reload-interval", "expected a duration"),
                Arguments.of(URL + "tls:\n  cert: x\n", "tls.cert", "unknown setting"),
                Arguments.of(URL + "auth:\n  allow-cleartext: sometimes\n", "auth.allow-cleartext", "expected true or false"),
                Arguments.of(URL + "auth:\n  trust-loopback: 1\n", "auth.trust-loopback", "expected true or false"),
                Arguments.of(URL + "auth:\n  trusted-networks: 10.0.0.0/8\n", "auth.trusted-networks", "expected a list"),
                Arguments.of(URL + "auth:\n  trusted-networks: [10.0.0.0/33]\n", "auth.trusted-networks[0]",
                        "prefix length that is not 0 to 32"),
                Arguments.of(URL + "auth:\n  trusted-networks: ['::1/64', office]\n", "auth.trusted-networks[1]",
                        "is not a network"),
                Arguments.of(URL + "auth:\n  failure-delay: 2\n", "auth.failure-delay", "expected a duration"),
                Arguments.of(URL + "auth:\n  failure-delay: 2m\n", "auth.failure-delay", "at most 1m"),
                Arguments.of(URL + "auth:\n  max-failures: 0\n", "auth.max-failures", "from 1 to 100"),
                Arguments.of(URL + "auth:\n  token-mechanisms: [XOAUTH2, GSSAPI]\n", "auth.token-mechanisms[1]",
                        "'GSSAPI' is not XOAUTH2 or OAUTHBEARER"),
                Arguments.of(URL + "auth:\n  token-mechanisms: XOAUTH2\n", "auth.token-mechanisms", "expected a list"),
                Arguments.of(URL + "  login: strip\n", "upstream.login", "'strip' is not a login rewrite"),
                Arguments.of(URL + "routes: imaps://b.example\n", "routes", "expected a list of mappings"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    user: x@a.example\n    url: imaps://b.example\n",
                        "routes[0].user", "either domain or user, not both"),
                Arguments.of(URL + "routes:\n  - url: imaps://b.example\n", "routes[0].domain", "missing"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n", "routes[0].url", "missing"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: pop3://b.example\n", "routes[0].url",
                        "unsupported scheme 'pop3'"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: imap://b.example\n", "routes[0].url",
                        "in clear"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: imaps://b.example\n    login: strip\n",
                        "routes[0].login", "expected as-is or strip-domain"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: imaps://b.example\n"
                        + "  - domain: A.Example\n    url: imaps://c.example\n", "routes[1].domain",
                        "duplicate domain a.example (also in routes[0].domain)"),
                Arguments.of(URL + "routes:\n  - user: X@a.example\n    url: imaps://b.example\n"
                        + "  - user: x@A.example\n    url: imaps://c.example\n", "routes[1].user", "duplicate user"),
                Arguments.of(URL + "routes:\n  - domain: '@a.example'\n    url: imaps://b.example\n",
                        "routes[0].domain", "without @"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: imaps://b.example\n    ca-file: /nonexistent/ca.pem\n",
                        "routes[0].ca-file", "no such file"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: imap://b.example\n    allow-plaintext: true\n"
                        + "    pin-sha256: [ \"" + PIN + "\" ]\n", "routes[0].pin-sha256", "need a TLS upstream"),
                Arguments.of(URL + "routes:\n  - domain: a.example\n    url: imaps://b.example\n    mailbox: X\n",
                        "routes[0].mailbox", "unknown setting"));
    }

    @ParameterizedTest
    @MethodSource("invalidFiles")
    void invalidFileNamesTheKey(String yaml, String key, String problem) throws IOException {
        Path file = write(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(key, e.key(), e.getMessage());
        assertEquals(file.toString(), e.source());
        assertTrue(e.problem().contains(problem), e.getMessage());
        assertEquals(file + ": " + key + ": " + e.problem(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(e.getMessage().contains("secret"), "user info never repeated");

        StringWriter err = new StringWriter();
        int status = Cli.run(new String[] {"--config", file.toString()}, (config, demo) -> {
            throw new AssertionError("must not start");
        }, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, status);
        assertEquals("popbridge: " + e.getMessage() + System.lineSeparator(), err.toString());
    }

    @Test
    void syntaxErrorNamesTheFileAndLine() throws IOException {
        Path file = write("upstream:\n  url: [unclosed\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertNull(e.key());
        assertTrue(e.getMessage().startsWith(file + ": not valid YAML at line "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void unquotedIpv6ListenGetsAHint() throws IOException {
        Path file = write("listen: [::1]:110\n" + URL);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": not valid YAML at line 1"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(quote values that start with [ or {, as in listen: \"[::1]:110\")"),
                e.getMessage());
    }

    @Test
    void duplicateKeyIsRejected() throws IOException {
        Path file = write(URL + "  url: imaps://other.example.com\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().contains("url"), e.getMessage());
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void minimalFileGetsEveryDefault() throws Exception {
        ServerConfig config = ConfigLoader.load(write(URL));
        assertEquals(new InetSocketAddress("127.0.0.1", 1110), config.listeners().get(0).address());
        assertEquals(Path.of("data"), config.dataDir());
        assertEquals(LogFormat.TEXT, config.logFormat());
        assertEquals(Pop3Options.defaults(), config.pop3());
        BridgeOptions bridge = config.bridge();
        assertEquals(new UpstreamEndpoint("mail.example.com", 993, Security.IMPLICIT_TLS), bridge.upstream());
        assertEquals("INBOX", bridge.mailbox());
        assertEquals(DeletePolicy.HIDE, bridge.deletePolicy());
        assertEquals(RetrievePolicy.PEEK, bridge.retrievePolicy());
        assertEquals("$POP3Deleted", bridge.hideKeyword());
        assertEquals(OpsSettings.defaults(), config.ops());
        assertEquals(new InetSocketAddress("127.0.0.1", 9110), config.ops().adminAddress());
        assertEquals(Duration.ofSeconds(30), config.ops().shutdownGrace());
        assertEquals(io.popbridge.bridge.ReuseOptions.DEFAULTS, config.reuse());
        assertFalse(config.listeners().get(0).proxyProtocol());
        ImapClientOptions d = ImapClientOptions.defaults();
        ImapClientOptions imap = bridge.imap();
        assertEquals(d.connectTimeout(), imap.connectTimeout());
        assertEquals(d.commandTimeout(), imap.commandTimeout());
        assertEquals(d.maxLineLength(), imap.maxLineLength());
        assertEquals(d.maxLiteralSize(), imap.maxLiteralSize());
        assertNotNull(imap.sslContext(), "TLS upstream gets a client context");
        assertTrue(imap.sslContext().isClient());
    }

    @Test
    void emptySectionsReadAsDefaults() throws Exception {
        ServerConfig config = ConfigLoader.load(write(URL + "policy:\npop3:\n"));
        assertEquals(Pop3Options.defaults(), config.pop3());
        assertEquals(DeletePolicy.HIDE, config.bridge().deletePolicy());
    }

    @Test
    void upstreamReuseIsReadAndZeroTurnsItOff() throws Exception {
        ServerConfig on = ConfigLoader.load(write(URL + "  reuse:\n    idle-time: 20s\n    max-idle: 50\n    max-age: 2m\n"));
        assertEquals(new io.popbridge.bridge.ReuseOptions(Duration.ofSeconds(20), 50, Duration.ofMinutes(2)), on.reuse());
        assertTrue(on.reuse().enabled());
        ServerConfig off = ConfigLoader.load(write(URL + "  reuse:\n    idle-time: 0\n"));
        assertFalse(off.reuse().enabled());
    }

    @Test
    void opsSettingsAreRead() throws Exception {
        ServerConfig config = ConfigLoader.load(write(URL + """
                listeners:
                  - address: 127.0.0.1:1110
                  - address: 127.0.0.1:1111
                    proxy-protocol: true
                proxy:
                  trusted-networks: [10.0.0.0/8, "2001:db8::/32"]
                admin:
                  enabled: false
                  address: "[::1]:9999"
                shutdown:
                  grace-period: 0s
                """));
        assertFalse(config.listeners().get(0).proxyProtocol());
        assertTrue(config.listeners().get(1).proxyProtocol());
        assertEquals(new OpsSettings(false, new InetSocketAddress("::1", 9999),
                List.of(CidrRange.parse("10.0.0.0/8"), CidrRange.parse("2001:db8::/32")), Duration.ZERO), config.ops());
    }

    @Test
    void dockerComposeConfigLoads() throws Exception {
        ServerConfig config = ConfigLoader.load(Path.of("docker/popbridge.yaml"));
        assertEquals(new UpstreamEndpoint("dovecot", 143, Security.PLAIN), config.bridge().upstream());
        assertTrue(config.router().fallback().forwardClientAddress());
        assertEquals(new InetSocketAddress("0.0.0.0", 1110), config.listeners().get(0).address());
        assertEquals(new InetSocketAddress("0.0.0.0", 9110), config.ops().adminAddress());
        assertEquals(Path.of("/var/lib/popbridge/data"), config.dataDir());
    }

    @Test
    void shippedConfigLoadsWithDefaults() throws Exception {
        Path shipped = Path.of("config/popbridge.yaml");
        ServerConfig config = ConfigLoader.load(shipped);
        ServerConfig defaults = ConfigLoader.load(write("upstream:\n  url: imap+starttls://mail.example.com:143\n"));
        assertEquals(new UpstreamEndpoint("mail.example.com", 143, Security.STARTTLS), config.bridge().upstream());
        assertEquals(defaults.listeners(), config.listeners());
        assertEquals(defaults.tls(), config.tls());
        assertEquals(defaults.dataDir(), config.dataDir());
        assertEquals(defaults.logFormat(), config.logFormat());
        assertEquals(defaults.pop3(), config.pop3());
        assertEquals(defaults.ops(), config.ops());
        assertEquals(defaults.store(), config.store());
        assertEquals(defaults.mapping(), config.mapping());
        assertEquals(withoutTls(defaults.bridge()), withoutTls(config.bridge()));
        assertNotNull(config.bridge().imap().sslContext());
    }

    @Test
    void everySettingIsRead() throws Exception {
        String yaml = """
                listen: "[::1]:1995"
                data-dir: /var/lib/popbridge
                log-format: json
                upstream:
                  url: imap://mail.internal:1143
                  allow-plaintext: true
                  connect-timeout: 250ms
                  command-timeout: 2m
                  mailbox: Posteingang/Büro
                  prefetch-limit: 65536
                policy:
                  delete: move:Trash
                  retrieve: seen
                  hide-keyword: $Popped
                pop3:
                  idle-timeout: 1h
                  login-timeout: 30s
                  max-bad-commands: 3
                  implementation: ~
                """;
        ServerConfig config = ConfigLoader.load(write(yaml));
        assertEquals(new InetSocketAddress("::1", 1995), config.listeners().get(0).address());
        assertEquals(Path.of("/var/lib/popbridge"), config.dataDir());
        assertEquals(LogFormat.JSON, config.logFormat());
        assertEquals(new Pop3Options(255, Duration.ofHours(1), Duration.ofSeconds(30), 3, null), config.pop3());
        assertEquals(io.popbridge.pop3.LimitOptions.defaults(), config.pop3().limits());
        BridgeOptions bridge = config.bridge();
        assertEquals(new UpstreamEndpoint("mail.internal", 1143, Security.PLAIN), bridge.upstream());
        assertNull(bridge.imap().sslContext(), "plain upstream needs no TLS context");
        assertEquals(Duration.ofMillis(250), bridge.imap().connectTimeout());
        assertEquals(Duration.ofMinutes(2), bridge.imap().commandTimeout());
        assertEquals("Posteingang/Büro", bridge.mailbox());
        assertEquals(DeletePolicy.parse("move:Trash"), bridge.deletePolicy());
        assertEquals(RetrievePolicy.SEEN, bridge.retrievePolicy());
        assertEquals("$Popped", bridge.hideKeyword());
        assertEquals(65536, bridge.prefetchLimit());
        assertEquals(BridgeOptions.DEFAULT_PREFETCH_LIMIT, ConfigLoader.load(write(URL)).bridge().prefetchLimit());
        assertEquals(0, ConfigLoader.load(write(URL + "  prefetch-limit: 0\n")).bridge().prefetchLimit());
    }

    @Test
    void limitsAreRead() throws Exception {
        ServerConfig config = ConfigLoader.load(write(URL + """
                pop3:
                  login-deadline: 45s
                limits:
                  max-connections: 500
                  max-connections-per-address: 5
                  max-sessions-per-user: 3
                  max-sessions-per-user-and-address: 2
                """));
        assertEquals(new io.popbridge.pop3.LimitOptions(500, 5, 3, Duration.ofSeconds(45), true, 2),
                config.pop3().limits());
        assertEquals(io.popbridge.pop3.LimitOptions.defaults(), ConfigLoader.load(write(URL)).pop3().limits());
        ServerConfig off = ConfigLoader.load(write(URL + "pop3:\n  login-deadline: 0\nauth:\n  penalty: false\n"));
        assertEquals(Duration.ZERO, off.pop3().limits().loginDeadline());
        assertFalse(off.pop3().limits().authPenalty());
    }

    @Test
    void routingLookupIsRead() throws Exception {
        ServerConfig config = ConfigLoader.load(write(URL + """
                routing:
                  lookup:
                    url: http://127.0.0.1:8080/route
                    method: post
                    timeout: 500ms
                    cache-ttl: 0s
                    cache-size: 10
                    on-failure: static
                """));
        io.popbridge.bridge.RouteLookupOptions lookup = config.lookup();
        assertEquals(java.net.URI.create("http://127.0.0.1:8080/route"), lookup.url());
        assertTrue(lookup.post());
        assertEquals(Duration.ofMillis(500), lookup.timeout());
        assertEquals(Duration.ZERO, lookup.cacheTtl());
        assertEquals(10, lookup.cacheSize());
        assertTrue(lookup.staticOnFailure());
        assertEquals(143, lookup.routeOf().apply("imap://127.0.0.1").endpoint().port());
        assertThrows(IllegalArgumentException.class, () -> lookup.routeOf().apply("imap://mail.example.com"),
                "plaintext to a remote host needs allow-plaintext, as for upstream.url");
        assertNull(ConfigLoader.load(write(URL)).lookup());
    }

    @Test
    void listenersTlsAndAuthAreRead() throws Exception {
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        Files.writeString(cert, "x");
        Files.writeString(key, "x");
        String yaml = URL + """
                listeners:
                  - address: 0.0.0.0:110
                  - address: "[::]:995"
                    tls: implicit-tls
                    tls-min-version: TLSv1.1
                  - address: 127.0.0.1:1110
                    tls: plain
                tls:
                  certificate: %s
                  key: %s
                  reload-interval: 30s
                auth:
                  allow-cleartext: false
                  trust-loopback: false
                  trusted-networks: [10.0.0.0/8, "2001:db8::/32", 192.0.2.7]
                  failure-delay: 0s
                  max-failures: 5
                  token-mechanisms: [xoauth2, OAUTHBEARER]
                """.formatted(cert, key);
        ServerConfig config = ConfigLoader.load(write(yaml));
        assertEquals(List.of(
                new ListenerConfig(new InetSocketAddress("0.0.0.0", 110), TlsMode.PLAIN_STLS, "TLSv1.2"),
                new ListenerConfig(new InetSocketAddress("::", 995), TlsMode.IMPLICIT_TLS, "TLSv1.1"),
                new ListenerConfig(new InetSocketAddress("127.0.0.1", 1110), TlsMode.PLAIN, "TLSv1.2")),
                config.listeners());
        assertEquals(List.of("TLSv1.3", "TLSv1.2", "TLSv1.1"), config.listeners().get(1).protocols());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), config.listeners().get(0).protocols());
        assertEquals(new TlsSettings(null, cert, key, null, null, Duration.ofSeconds(30)), config.tls());
        AuthOptions auth = config.pop3().auth();
        assertFalse(auth.allowCleartext());
        assertFalse(auth.trustLoopback());
        assertEquals(List.of(CidrRange.parse("10.0.0.0/8"), CidrRange.parse("2001:db8::/32"),
                CidrRange.parse("192.0.2.7")), auth.trustedNetworks());
        assertEquals(Duration.ZERO, auth.failureDelay());
        assertEquals(5, auth.maxFailures());
        assertEquals(Set.of("XOAUTH2", "OAUTHBEARER"), auth.tokenMechanisms());
    }

    @Test
    void defaultsAreOnePlainStlsListenerASelfSignedCertificateAndStrictAuth() throws Exception {
        ServerConfig config = ConfigLoader.load(write(URL));
        assertEquals(List.of(ListenerConfig.plainStls(ServerConfig.DEFAULT_LISTEN)), config.listeners());
        assertEquals(TlsSettings.defaults(), config.tls());
        assertEquals(AuthOptions.defaults(), config.pop3().auth());
        assertTrue(config.needsCertificate());
    }

    @Test
    void pkcs12PasswordIsNeverShown() throws Exception {
        Path p12 = dir.resolve("s.p12");
        Files.writeString(p12, "x");
        ServerConfig config = ConfigLoader.load(write(URL + "tls:\n  pkcs12: " + p12 + "\n  pkcs12-password: 'hunter2'\n"));
        assertEquals("hunter2", config.tls().pkcs12Password());
        assertFalse(config.tls().toString().contains("hunter2"));
        assertFalse(config.toString().contains("hunter2"));
    }

    @Test
    void cidrRangesMatchTheirNetworksOnly() throws Exception {
        CidrRange v4 = CidrRange.parse("10.1.0.0/16");
        assertTrue(v4.contains(java.net.InetAddress.getByName("10.1.200.3")));
        assertFalse(v4.contains(java.net.InetAddress.getByName("10.2.0.1")));
        assertFalse(v4.contains(java.net.InetAddress.getByName("::1")));
        assertTrue(v4.contains(java.net.InetAddress.getByName("::ffff:10.1.0.9")));
        CidrRange v6 = CidrRange.parse("2001:db8::/32");
        assertTrue(v6.contains(java.net.InetAddress.getByName("2001:db8:1::5")));
        assertFalse(v6.contains(java.net.InetAddress.getByName("2001:db9::1")));
        assertFalse(v6.contains(java.net.InetAddress.getByName("10.1.0.1")));
    }

    @Test
    void overridesReplaceTheFile() throws Exception {
        Path file = write("listen: 127.0.0.1:1110\nupstream:\n  url: imaps://mail.example.com\n");
        ServerConfig config = ConfigLoader.load(file,
                new ConfigLoader.Overrides("127.0.0.1:2110", "imap://backend.example.com:10143", true));
        assertEquals(new InetSocketAddress("127.0.0.1", 2110), config.listeners().get(0).address());
        assertEquals(new UpstreamEndpoint("backend.example.com", 10143, Security.PLAIN), config.bridge().upstream());
    }

    @Test
    void fileAllowsPlaintextForCommandLineUrl() throws Exception {
        Path file = write("upstream:\n  allow-plaintext: true\n");
        ServerConfig config = ConfigLoader.load(file, new ConfigLoader.Overrides(null, "imap://mail.example.com", false));
        assertEquals(Security.PLAIN, config.bridge().upstream().security());
    }

    @Test
    void badOverrideNamesTheOption() throws Exception {
        Path file = write(URL);
        ConfigException listen = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, new ConfigLoader.Overrides("localhost", null, false)));
        assertEquals("--listen", listen.key());
        assertNull(listen.source());
        ConfigException upstream = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, new ConfigLoader.Overrides(null, "imap://mail.example.com", false)));
        assertEquals("--upstream", upstream.key());
        assertTrue(upstream.getMessage().startsWith("--upstream: imap:// would send"), upstream.getMessage());
    }

    @Test
    void noFileAndNoUpstreamIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, ConfigLoader.Overrides.NONE));
        assertTrue(e.getMessage().startsWith("an upstream IMAP server is needed"), e.getMessage());
    }

    @Test
    void caFileThatIsNotPemIsRejected() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, "not a certificate\n");
        Path file = write(URL + "  ca-file: " + ca + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals("upstream.ca-file", e.key());
        assertTrue(e.problem().startsWith("cannot use " + ca + " as a PEM CA bundle"), e.getMessage());
    }

    @Test
    void tlsContextOffersOnlyTls13And12AndVerifiesHostNames() throws Exception {
        SslContext ssl = ConfigLoader.load(write(URL)).bridge().imap().sslContext();
        SSLEngine engine = ssl.newEngine(ByteBufAllocator.DEFAULT, "mail.example.com", 993);
        assertTrue(engine.getUseClientMode());
        assertTrue(Set.of("TLSv1.3", "TLSv1.2").containsAll(List.of(engine.getEnabledProtocols())),
                List.of(engine.getEnabledProtocols()).toString());
        assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
    }

    @Test
    @SuppressWarnings("deprecation") // SelfSignedCertificate: enough for a one-certificate PEM trust bundle
    void caFileReplacesTheTrustStore() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("mail.popbridge.test");
        try {
            Path pem = dir.resolve("ca.pem");
            Files.copy(cert.certificate().toPath(), pem);
            SslContext server = SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build();
            SslContext trusting = ConfigLoader.load(write(URL + "  ca-file: " + pem + "\n")).bridge().imap().sslContext();
            SslContext jdkDefault = ConfigLoader.load(write(URL)).bridge().imap().sslContext();

            assertNull(handshake(trusting, server, "mail.popbridge.test"), "the CA file is trusted");
            assertNotNull(handshake(jdkDefault, server, "mail.popbridge.test"), "not in the JDK trust store");
            assertNotNull(handshake(trusting, server, "other.popbridge.test"), "host name is verified");
        } finally {
            cert.delete();
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void aRouteHasItsOwnCaFile() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("vip.popbridge.test");
        try {
            Path pem = dir.resolve("vip-ca.pem");
            Files.copy(cert.certificate().toPath(), pem);
            SslContext server = SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build();
            ServerConfig config = ConfigLoader.load(write(URL + "routes:\n  - user: ceo@example.com\n"
                    + "    url: imaps://vip.popbridge.test\n    ca-file: " + pem + "\n"));
            SslContext route = config.router().route("CEO@example.com").imap().sslContext();
            SslContext fallback = config.router().route("other@example.com").imap().sslContext();
            assertNull(handshake(route, server, "vip.popbridge.test"), "the route's CA file is trusted");
            assertNotNull(handshake(fallback, server, "vip.popbridge.test"), "the default upstream does not trust it");
        } finally {
            cert.delete();
        }
    }

    /** Runs a TLS handshake in memory; returns the client's failure, or null when it succeeded. */
    private static SSLException handshake(SslContext clientContext, SslContext serverContext, String host)
            throws SSLException {
        SSLEngine client = clientContext.newEngine(ByteBufAllocator.DEFAULT, host, 993);
        SSLEngine server = serverContext.newEngine(ByteBufAllocator.DEFAULT);
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            try {
                step(client, empty, toServer, toClient, sink);
            } catch (SSLException e) {
                return e;
            }
            try {
                step(server, empty, toClient, toServer, sink);
            } catch (SSLException e) {
                // The server fails after the client alerted; the client's view is what counts.
            }
            if (client.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && server.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                return null;
            }
        }
        throw new AssertionError("handshake did not finish");
    }

    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        for (;;) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                engine.wrap(empty, out);
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP && in.position() > 0) {
                in.flip();
                SSLEngineResult result = engine.unwrap(in, sink);
                in.compact();
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    @Test
    void listenAcceptsBracketedIpv6AndNames() {
        assertEquals(new InetSocketAddress("::1", 110), ConfigLoader.parseListen("[::1]:110"));
        assertEquals(new InetSocketAddress("0.0.0.0", 110), ConfigLoader.parseListen("0.0.0.0:110"));
        assertTrue(ConfigLoader.parseListen("localhost:1110").getAddress().isLoopbackAddress());
        for (String bad : List.of("[::1]", "[::1]110", "[nothost]:110", ":110", "host:", "[::1]:70000")) {
            assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parseListen(bad), bad);
        }
    }

    private static List<Object> withoutTls(BridgeOptions b) {
        ImapClientOptions i = b.imap();
        List<Object> values = new ArrayList<>(List.of(b.upstream(), b.mailbox(), b.deletePolicy(),
                b.retrievePolicy(), b.hideKeyword(), b.prefetchLimit(), i.connectTimeout(), i.commandTimeout(), i.maxLineLength(),
                i.maxLiteralSize()));
        return values;
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "popbridge", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
