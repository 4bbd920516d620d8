package io.popbridge.server;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.mapping.StoreException;
import io.popbridge.migrate.OldServer;
import io.popbridge.migrate.UidlImporter;
import io.popbridge.migrate.UserReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code popbridge uidl import}: keep the UIDLs of an old POP3 server for users moved to the IMAP
 * hosting behind popbridge (docs/mapping.md, "Migrating from a POP3 server"). Passwords come from
 * files or standard input, never from the command line.
 *
 * <p>Exit status: 0 when every user was imported (unmatched messages and conflicts are reported,
 * not errors), 1 when a user failed or the store cannot be used, 2 for bad options or configuration.
 */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Read the UIDLs of users' messages on an old POP3 server, match the messages to their IMAP"
                + " mailbox behind popbridge and store the old UIDLs, so that POP3 clients download nothing again.")
final class UidlImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "popbridge configuration (upstream, routes, mailbox, data-dir).")
    Path config;

    @Option(names = "--upstream", paramLabel = "URL", description = "IMAP server, as for popbridge (overrides upstream.url).")
    String upstream;

    @Option(names = "--allow-plaintext-upstream", description = "Allow imap:// to a non-loopback host.")
    boolean allowPlaintextUpstream;

    @Option(names = "--old-server", paramLabel = "URL", required = true,
            description = "Old POP3 server: pop3s://host[:995], pop3+stls://host[:110] or pop3://host[:110] (loopback only).")
    String oldServer;

    @Option(names = "--old-ca-file", paramLabel = "FILE",
            description = "PEM CA certificates to trust for the old server (default: the JDK trust store).")
    Path oldCaFile;

    @Option(names = "--allow-plaintext-old-server",
            description = "Allow pop3:// (no TLS); only to a loopback address.")
    boolean allowPlaintextOld;

    @Option(names = "--old-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Connect and read timeout for the old server (default: ${DEFAULT-VALUE}).")
    int oldTimeoutSeconds;

    @Option(names = "--user", paramLabel = "USER", description = "The user, as the POP3 client logs in to popbridge.")
    String user;

    @Option(names = "--old-password-file", paramLabel = "FILE",
            description = "File whose first line is the user's password on the old server; - for standard input.")
    Path oldPasswordFile;

    @Option(names = "--new-password-file", paramLabel = "FILE",
            description = "The password for the IMAP server, likewise (default: the old password).")
    Path newPasswordFile;

    @Option(names = "--batch", paramLabel = "FILE",
            description = "Users to import, one a line: user,old-password-file[,new-password-file]; # starts a comment.")
    Path batch;

    @Option(names = "--store-path", paramLabel = "FILE",
            description = "SQLite mapping store (default: the store: section of --config, else <data-dir>/popbridge.db).")
    Path storePath;

    @Option(names = "--store-url", paramLabel = "URL", description = "PostgreSQL mapping store: jdbc:postgresql://...")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "USER", description = "PostgreSQL user (with --store-url).")
    String storeUser;

    @Option(names = "--store-password-file", paramLabel = "FILE", description = "PostgreSQL password file (with --store-url).")
    Path storePasswordFile;

    @Option(names = "--dry-run", description = "Match and report, store nothing.")
    boolean dryRun;

    @Option(names = "--ignore-size", description = "Match by Message-ID without comparing sizes, for an old server"
            + " whose LIST sizes are not exact; messages without Message-ID are then not matched.")
    boolean ignoreSize;

    private record Job(String user, Path oldPasswordFile, Path newPasswordFile) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Job> jobs;
        OldServer old;
        ServerConfig loaded;
        StoreConfig storeConfig;
        try {
            jobs = jobs();
            old = oldServer();
            loaded = ConfigLoader.load(config, new ConfigLoader.Overrides(null, upstream, allowPlaintextUpstream));
            storeConfig = storeConfig(loaded);
        } catch (ConfigException | IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (config == null && upstream == null) {
            return usage(err, "the IMAP server is needed: pass --config FILE (as popbridge uses it) or --upstream URL");
        }
        MappingStore store;
        try {
            store = MappingStore.open(storeConfig);
        } catch (StoreException e) {
            err.println("popbridge uidl import: " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
        int failed = 0;
        try (store; UidlImporter importer = new UidlImporter(old, loaded.router(), loaded.bridge().mailbox(), store, dryRun,
                ignoreSize)) {
            for (Job job : jobs) {
                byte[] oldPassword = null;
                byte[] newPassword = null;
                UserReport report;
                try {
                    oldPassword = readPassword(job.oldPasswordFile());
                    newPassword = job.newPasswordFile() == null ? oldPassword.clone() : readPassword(job.newPasswordFile());
                    report = importer.importUser(job.user(), oldPassword, newPassword);
                } catch (IOException e) {
                    report = null;
                    err.println(job.user() + ": FAILED: cannot read a password file: " + e.getMessage());
                } finally {
                    wipe(oldPassword);
                    wipe(newPassword);
                }
                if (report == null || report.failed()) {
                    failed++;
                }
                if (report != null) {
                    (report.failed() ? err : out).println(String.join(System.lineSeparator(), report.lines()));
                }
                out.flush();
                err.flush();
            }
        }
        out.println(jobs.size() + (jobs.size() == 1 ? " user, " : " users, ") + failed + " failed"
                + (dryRun ? " (dry run: nothing stored)" : ""));
        out.flush();
        return failed == 0 ? Cli.EXIT_OK : Cli.EXIT_FAILURE;
    }

    private List<Job> jobs() throws ConfigException {
        if ((user == null) == (batch == null)) {
            throw new ConfigException("--user", "give either --user USER with --old-password-file, or --batch FILE");
        }
        if (user != null) {
            if (oldPasswordFile == null) {
                throw new ConfigException("--old-password-file", "needed with --user (a file, or - for standard input)");
            }
            if (isStdin(oldPasswordFile) && isStdin(newPasswordFile)) {
                throw new ConfigException("--new-password-file", "only one password can come from standard input");
            }
            return List.of(new Job(user, oldPasswordFile, newPasswordFile));
        }
        if (oldPasswordFile != null || newPasswordFile != null) {
            throw new ConfigException("--batch", "takes the password files from the batch file, not from options");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(batch, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("--batch", "cannot read " + batch + ": " + e.getMessage());
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length < 2 || fields.length > 3 || fields[0].isBlank() || fields[1].isBlank()
                    || isStdin(Path.of(fields[1].strip())) || (fields.length == 3 && isStdin(Path.of(fields[2].strip())))) {
                throw new ConfigException("--batch", batch + " line " + (i + 1)
                        + ": expected user,old-password-file[,new-password-file] (files, not -)");
            }
            Path newFile = fields.length == 3 && !fields[2].isBlank() ? Path.of(fields[2].strip()) : null;
            jobs.add(new Job(fields[0].strip(), Path.of(fields[1].strip()), newFile));
        }
        if (jobs.isEmpty()) {
            throw new ConfigException("--batch", batch + " lists no users");
        }
        return jobs;
    }

    private OldServer oldServer() throws ConfigException {
        int sep = oldServer.indexOf("://");
        String scheme = sep <= 0 ? "" : oldServer.substring(0, sep).toLowerCase(Locale.ROOT);
        OldServer.Security security;
        String imapScheme;
        int defaultPort;
        switch (scheme) {
            case "pop3s" -> { security = OldServer.Security.POP3S; imapScheme = "imaps"; defaultPort = 995; }
            case "pop3+stls" -> { security = OldServer.Security.STLS; imapScheme = "imap+starttls"; defaultPort = 110; }
            case "pop3" -> { security = OldServer.Security.PLAIN; imapScheme = "imap"; defaultPort = 110; }
            default -> throw new ConfigException("--old-server",
                    "expected pop3s://host[:port], pop3+stls://host[:port] or pop3://host[:port]");
        }
        String rest = oldServer.substring(sep + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            end = i >= 0 ? Math.min(end, i) : end;
        }
        String authority = rest.substring(0, end);
        boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
        UpstreamEndpoint parsed;
        try {
            // Same host and port rules as the upstream URL; only the scheme and default port differ.
            parsed = UpstreamUrl.parse(imapScheme + "://" + authority + (hasPort ? "" : ":" + defaultPort)
                    + rest.substring(end), true);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--old-server", e.getMessage().replace("upstream URL", "old server URL"));
        }
        if (security == OldServer.Security.PLAIN && !(allowPlaintextOld && UpstreamUrl.isLoopback(parsed.host()))) {
            throw new ConfigException("--old-server", "pop3:// sends passwords in clear: use pop3s:// or pop3+stls://"
                    + " (pop3:// only to a loopback address, with --allow-plaintext-old-server)");
        }
        if (oldTimeoutSeconds < 1 || oldTimeoutSeconds > 3600) {
            throw new ConfigException("--old-timeout", "must be 1..3600 seconds, got " + oldTimeoutSeconds);
        }
        SSLContext ssl = security == OldServer.Security.PLAIN ? null : sslContext();
        return new OldServer(parsed.host(), parsed.port(), security, ssl, Duration.ofSeconds(oldTimeoutSeconds));
    }

    private SSLContext sslContext() throws ConfigException {
        try {
            if (oldCaFile == null) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(oldCaFile)) {
                int n = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + n++, c);
                }
                if (n == 0) {
                    throw new ConfigException("--old-ca-file", oldCaFile + " holds no certificate");
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException("--old-ca-file", "cannot load " + oldCaFile + ": " + e.getMessage());
        }
    }

    private StoreConfig storeConfig(ServerConfig loaded) throws ConfigException {
        if (storeUrl != null) {
            if (storePath != null) {
                throw new ConfigException("--store-url", "cannot be used with --store-path");
            }
            if (storeUser == null) {
                throw new ConfigException("--store-user", "needed with --store-url");
            }
            String password = "";
            if (storePasswordFile != null) {
                try {
                    password = new String(readPassword(storePasswordFile), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ConfigException("--store-password-file", "cannot read: " + e.getMessage());
                }
            }
            try {
                return new StoreConfig.Postgres(storeUrl, storeUser, password);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--store-url", e.getMessage());
            }
        }
        if (storeUser != null || storePasswordFile != null) {
            throw new ConfigException("--store-user", "only with --store-url");
        }
        // Without an option, the store of the configuration (store:, default <data-dir>/popbridge.db).
        return storePath != null ? new StoreConfig.Sqlite(storePath) : loaded.store();
    }

    private static boolean isStdin(Path file) {
        return file != null && file.toString().equals("-");
    }

    /** The first line of the file (or of standard input for "-"), without its line end. */
    private static byte[] readPassword(Path file) throws IOException {
        byte[] all = isStdin(file) ? readLine(System.in) : Files.readAllBytes(file);
        int end = 0;
        while (end < all.length && all[end] != '\n' && all[end] != '\r') {
            end++;
        }
        byte[] password = Arrays.copyOf(all, end);
        Arrays.fill(all, (byte) 0);
        if (password.length == 0) {
            throw new IOException((isStdin(file) ? "standard input" : file.toString()) + " holds no password");
        }
        return password;
    }

    private static byte[] readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toByteArray();
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static int usage(PrintWriter err, String line) {
        err.println("popbridge uidl import: " + line);
        err.flush();
        return Cli.EXIT_USAGE;
    }
}
