package io.popbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * A private, throw-away Dovecot (2.3.x) for tests against a real IMAP server: its own config,
 * passwd-file, maildirs, logs, self-signed certificate and {@code base_dir} in a temp directory,
 * listening on free high ports of 127.0.0.1 only (IMAP with STARTTLS, IMAPS, POP3). Runs as a
 * foreground child process ({@code dovecot -F -c <tmp>/dovecot.conf}); {@link #close()} stops it,
 * makes sure none of its processes is left, and deletes the temp directory.
 *
 * <p>Needs the Debian packages dovecot-imapd and dovecot-pop3d ({@code .ci/install-dovecot.sh});
 * use {@link #startOrSkip()} so tests skip with a visible reason where they are missing.
 *
 * <p>Users: {@code alice} / {@code alice-secret} and {@code bob} / {@code sp ace"ü} (space, double
 * quote, non-ASCII), see {@link #USERS}. Plaintext LOGIN/USER+PASS is allowed without TLS.
 *
 * <p>Running as root (as CI does): Dovecot refuses to run its login processes as root and refuses
 * mail processes with uid 0 ("userdb returned 0 as uid", regardless of first_valid_uid). So as root
 * the master, auth, config and log processes run as root ({@code default_internal_user = root}),
 * the login processes as {@code dovenull} (else {@code nobody}) and the mail processes (imap, pop3)
 * as {@code dovecot} (else {@code nobody}), both users the dovecot-core package creates; the mail
 * directory is chowned to that user and the temp directory made traversable (0711). As any other
 * user everything runs as that user ({@code default_internal_user = default_login_user = <user>},
 * the passwd-file's uid/gid are the current ones, and anvil and the login services get an empty
 * {@code chroot}, since chroot(2) needs root; this config was checked by hand as {@code nobody}).
 *
 * <p>Dovecot stores and serves messages with CRLF line endings: a message appended with bare LFs
 * comes back with CRLFs, so use CRLF messages where exact bytes matter.
 */
public final class DovecotServer implements AutoCloseable {

    /** The test users and their passwords, in creation order. */
    public static final Map<String, String> USERS;

    static {
        Map<String, String> users = new LinkedHashMap<>();
        users.put("alice", "alice-secret");
        users.put("bob", "sp ace\"\u00fc");
        USERS = java.util.Collections.unmodifiableMap(users);
    }

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) (\\d+)]");
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");

    private final Path dir;
    private final String instanceName;
    private final String version;
    private final Process process;
    private final int imapPort;
    private final int imapsPort;
    private final int pop3Port;
    private final Thread shutdownHook;
    private List<ProcessHandle> knownProcesses = List.of();
    private boolean closed;

    private DovecotServer(Path dir, String instanceName, String version, Process process, int imapPort,
            int imapsPort, int pop3Port) {
        this.dir = dir;
        this.instanceName = instanceName;
        this.version = version;
        this.process = process;
        this.imapPort = imapPort;
        this.imapsPort = imapsPort;
        this.pop3Port = pop3Port;
        this.shutdownHook = new Thread(this::killAll, "dovecot-" + instanceName + "-cleanup");
    }

    // ---------------------------------------------------------------------------------------------
    // Starting

    /** Whether a dovecot binary is installed (with the imap and pop3 services, where detectable). */
    public static boolean available() {
        if (binary("dovecot").isEmpty()) {
            return false;
        }
        for (Path libexec : List.of(Path.of("/usr/lib/dovecot"), Path.of("/usr/libexec/dovecot"))) {
            if (Files.isDirectory(libexec)) {
                return Files.isExecutable(libexec.resolve("imap")) && Files.isExecutable(libexec.resolve("pop3"));
            }
        }
        return true;
    }

    /** Starts a server, or aborts the calling test (skipped, with the reason) if Dovecot is missing. */
    public static DovecotServer startOrSkip() throws IOException {
        return startOrSkip("");
    }

    /**
     * As {@link #startOrSkip()}, with {@code extraConfig} appended to the generated dovecot.conf
     * (e.g. {@code pop3_uidl_format = %g}); the defaults other tests rely on stay as they are.
     */
    public static DovecotServer startOrSkip(String extraConfig) throws IOException {
        Assumptions.assumeTrue(available(),
                "Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d); skipping");
        return start(extraConfig);
    }

    /** Starts a server; fails (with the tail of Dovecot's log) if it does not come up. */
    public static DovecotServer start() throws IOException {
        return start("");
    }

    /** As {@link #start()}, with {@code extraConfig} appended to dovecot.conf. */
    public static DovecotServer start(String extraConfig) throws IOException {
        Path dovecot = binary("dovecot").orElseThrow(() -> new IllegalStateException("dovecot is not installed"));
        String version = run(List.of(dovecot.toString(), "--version")).trim();
        if (!version.startsWith("2.3.")) {
            // 2.4 changed most of the setting names this config uses (ssl_cert, mail_location, passdb ...).
            throw new IllegalStateException("DovecotServer writes a Dovecot 2.3 config; installed: " + version);
        }
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnce(dovecot, version, extraConfig);
            } catch (PortClashException e) {
                last = e; // a free port was taken between probing and binding: try other ports
            }
        }
        throw last;
    }

    private static DovecotServer startOnce(Path dovecot, String version, String extraConfig) throws IOException {
        Path dir = Files.createTempDirectory("popbridge-dovecot-");
        String instanceName = "popbridge-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        int[] ports = freePorts(3);
        Process process = null;
        DovecotServer server = null;
        try {
            writeFiles(dir, instanceName, ports, extraConfig);
            process = new ProcessBuilder(dovecot.toString(), "-F", "-c", dir.resolve("dovecot.conf").toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            server = new DovecotServer(dir, instanceName, version, process, ports[0], ports[1], ports[2]);
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            server.awaitReady();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            if (server != null) {
                server.close();
            } else {
                if (process != null) {
                    process.destroyForcibly();
                }
                deleteTree(dir);
            }
            throw e;
        }
    }

    private static void writeFiles(Path dir, String instanceName, int[] ports, String extraConfig) throws IOException {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        boolean root = ((Integer) Files.getAttribute(dir, "unix:uid")) == 0;
        String internalUser;
        String loginUser;
        int mailUid;
        int mailGid;
        if (root) {
            internalUser = "root";
            loginUser = passwdEntry("dovenull").isPresent() ? "dovenull" : "nobody";
            String mailUser = passwdEntry("dovecot").isPresent() ? "dovecot" : "nobody";
            String[] entry = passwdEntry(mailUser)
                    .orElseThrow(() -> new IllegalStateException("no user " + mailUser + " for the mail processes"));
            mailUid = Integer.parseInt(entry[2]);
            mailGid = Integer.parseInt(entry[3]);
            // The mail processes (not root) must reach <dir>/mail and own it.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            run(List.of("chown", mailUid + ":" + mailGid, mail.toString()));
        } else {
            internalUser = System.getProperty("user.name");
            loginUser = internalUser;
            mailUid = (Integer) Files.getAttribute(dir, "unix:uid");
            mailGid = (Integer) Files.getAttribute(dir, "unix:gid");
        }

        writeCertificate(dir);

        StringBuilder passwd = new StringBuilder();
        for (Map.Entry<String, String> user : USERS.entrySet()) {
            // user:{PLAIN}password:uid:gid:gecos:home:shell:extra (the passwords contain no ':' or newline)
            passwd.append(user.getKey()).append(":{PLAIN}").append(user.getValue()).append(':')
                    .append(mailUid).append(':').append(mailGid).append("::")
                    .append(mail.resolve(user.getKey())).append("::\n");
        }
        Files.writeString(dir.resolve("passwd"), passwd, StandardCharsets.UTF_8);

        String conf = """
                # Private test instance written by io.popbridge.testing.DovecotServer (Dovecot 2.3).
                instance_name = %1$s
                base_dir = %2$s/run
                state_dir = %2$s/state
                log_path = %2$s/dovecot.log
                info_log_path = %2$s/dovecot.log
                debug_log_path = %2$s/dovecot.log
                protocols = imap pop3
                listen = 127.0.0.1
                default_internal_user = %3$s
                default_internal_group = %4$s
                default_login_user = %5$s
                first_valid_uid = 1
                first_valid_gid = 0
                mail_location = maildir:%2$s/mail/%%u
                ssl = yes
                ssl_cert = <%2$s/cert.pem
                ssl_key = <%2$s/key.pem
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                # popbridge on loopback may pass the POP3 client's address with IMAP ID (x-originating-ip)
                login_trusted_networks = 127.0.0.0/8
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%%u %2$s/passwd
                }
                userdb {
                  driver = passwd-file
                  args = username_format=%%u %2$s/passwd
                }
                service anvil {
                  %9$s
                }
                service imap-urlauth-login {
                  %9$s
                }
                service imap-login {
                  %9$s
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %6$d
                  }
                  inet_listener imaps {
                    address = 127.0.0.1
                    port = %7$d
                    ssl = yes
                  }
                }
                service pop3-login {
                  %9$s
                  inet_listener pop3 {
                    address = 127.0.0.1
                    port = %8$d
                  }
                  inet_listener pop3s {
                    address = 127.0.0.1
                    port = 0
                  }
                }
                """.formatted(instanceName, dir, internalUser, root ? "root" : groupName(mailGid), loginUser,
                ports[0], ports[1], ports[2],
                // chroot(2) needs root: as any other user the chrooting services run unchrooted.
                root ? "# chroot as configured by default" : "chroot =");
        Files.writeString(dir.resolve("dovecot.conf"), conf + extraConfig + "\n", StandardCharsets.UTF_8);
    }

    private static void writeCertificate(Path dir) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=localhost");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, LOOPBACK)}));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
            Path key = dir.resolve("key.pem");
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot create the test certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Waits (bounded) until the IMAP port greets "* OK" and the POP3 port "+OK". */
    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        boolean imapReady = false;
        while (true) {
            if (!process.isAlive()) {
                String log = logTail();
                if (log.contains("Address already in use")) {
                    throw new PortClashException("Dovecot could not bind its ports:\n" + log);
                }
                throw new IOException("Dovecot exited with status " + process.exitValue() + " during startup:\n" + log);
            }
            if (!imapReady) {
                imapReady = greets(imapPort, "* OK");
            }
            if (imapReady && greets(pop3Port, "+OK")) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("Dovecot did not greet on 127.0.0.1:" + (imapReady ? pop3Port : imapPort)
                        + " within " + STARTUP_TIMEOUT.toSeconds() + "s:\n" + logTail());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Dovecot", e);
            }
        }
    }

    private static boolean greets(int port, String prefix) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 2_000);
            socket.setSoTimeout(5_000);
            return readLine(socket.getInputStream()).startsWith(prefix);
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Accessors

    /** Plain IMAP (STARTTLS offered) on 127.0.0.1. */
    public int imapPort() {
        return imapPort;
    }

    /** IMAP over TLS on 127.0.0.1. */
    public int imapsPort() {
        return imapsPort;
    }

    /** Dovecot's own POP3 (plain, STARTTLS offered) on 127.0.0.1, over the same maildirs. */
    public int pop3Port() {
        return pop3Port;
    }

    /** Always "127.0.0.1". */
    public String host() {
        return LOOPBACK;
    }

    /** The self-signed server certificate (PEM; CN=localhost, SANs localhost and 127.0.0.1): trust it. */
    public Path certificatePem() {
        return dir.resolve("cert.pem");
    }

    /** A TLS client context that trusts exactly {@link #certificatePem()}. */
    public SSLContext clientSslContext() {
        try (InputStream in = Files.newInputStream(certificatePem())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("dovecot", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build an SSLContext from " + certificatePem(), e);
        }
    }

    /** The password of a test user ({@link #USERS}). */
    public String password(String user) {
        String password = USERS.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no test user " + user + "; have " + USERS.keySet());
        }
        return password;
    }

    /** "2.3.19.1 (9b53102964)" as {@code dovecot --version} prints it. */
    public String version() {
        return version;
    }

    /** The temp directory holding config, passwd, certificate, logs, base_dir and maildirs. */
    public Path directory() {
        return dir;
    }

    /** The user's maildir (created by Dovecot at the first login). */
    public Path maildir(String user) {
        password(user);
        return dir.resolve("mail").resolve(user);
    }

    /** Dovecot's log (log_path and info_log_path). */
    public Path logFile() {
        return dir.resolve("dovecot.log");
    }

    /** The last 40 lines of Dovecot's log and of the master's stdout/stderr, for failure messages. */
    public String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path file : List.of(dir.resolve("dovecot.log"), dir.resolve("stdout.log"))) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                tail.append("--- ").append(file.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> tail.append(l).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                // missing or unreadable: nothing to show
            }
        }
        return tail.toString();
    }

    /** The running (non-zombie) processes of this instance: the master and everything it started. */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> found = new ArrayList<>();
        if (running(process.toHandle())) {
            found.add(process.toHandle());
            process.descendants().forEach(found::add);
        }
        // Children whose master is gone are reparented; Dovecot titles them "dovecot-<instance>/<service>".
        ProcessHandle.allProcesses()
                .filter(p -> processTitle(p).map(c -> c.contains(instanceName) || c.contains(dir.toString()))
                        .orElse(false))
                .filter(p -> found.stream().noneMatch(f -> f.pid() == p.pid()))
                .forEach(found::add);
        return found.stream().filter(DovecotServer::running).toList();
    }

    /** /proc/PID/cmdline as the process set it (Dovecot rewrites it), else what ProcessHandle knows. */
    private static Optional<String> processTitle(ProcessHandle p) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine();
        }
    }

    /** The master process (dovecot -F). */
    public ProcessHandle master() {
        return process.toHandle();
    }

    // ---------------------------------------------------------------------------------------------
    // Putting messages in

    /** Appends a message with exactly these octets to the user's INBOX over IMAP; returns its UID. */
    public long append(String user, byte[] message) throws IOException {
        return append(user, message, null);
    }

    /**
     * Appends a message with exactly these octets to the user's INBOX over IMAP, with flags such as
     * {@code "\\Seen \\Flagged"} (or null); returns its UID (from APPENDUID).
     */
    public long append(String user, byte[] message, String flags) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, imapPort)) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String greeting = readLine(in);
            if (!greeting.startsWith("* OK")) {
                throw new IOException("unexpected greeting: " + greeting);
            }
            byte[] name = user.getBytes(StandardCharsets.UTF_8);
            byte[] pass = password(user).getBytes(StandardCharsets.UTF_8);
            // LOGIN with synchronizing literals: safe for any password octets.
            send(out, ("A1 LOGIN {" + name.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            expectContinuation(in);
            send(out, name, (" {" + pass.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            expectContinuation(in);
            send(out, pass, "\r\n".getBytes(StandardCharsets.US_ASCII));
            tagged(in, "A1");
            String flagPart = flags == null || flags.isBlank() ? "" : "(" + flags + ") ";
            send(out, ("A2 APPEND INBOX " + flagPart + "{" + message.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            expectContinuation(in);
            send(out, message, "\r\n".getBytes(StandardCharsets.US_ASCII));
            String done = tagged(in, "A2");
            send(out, "A3 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
            Matcher m = APPENDUID.matcher(done);
            if (!m.find()) {
                throw new IOException("no APPENDUID in " + done);
            }
            return Long.parseLong(m.group(2));
        }
    }

    private static void send(OutputStream out, byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
    }

    private static void expectContinuation(InputStream in) throws IOException {
        String line = readLine(in);
        if (!line.startsWith("+")) {
            throw new IOException("expected a continuation, got: " + line);
        }
    }

    /** Reads up to the tagged response (skipping untagged lines and their literals); fails unless OK. */
    private static String tagged(InputStream in, String tag) throws IOException {
        for (;;) {
            String line = readLine(in);
            if (line.startsWith(tag + " ")) {
                if (!line.startsWith(tag + " OK")) {
                    throw new IOException("IMAP command failed: " + line);
                }
                return line;
            }
            Matcher m = LITERAL.matcher(line);
            if (m.find()) {
                in.readNBytes(Integer.parseInt(m.group(1)));
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("connection closed");
    }

    // ---------------------------------------------------------------------------------------------
    // Stopping

    /** Stops Dovecot (SIGTERM, then SIGKILL), makes sure none of its processes is left, deletes the temp dir. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs anyway
        }
        killAll();
        List<ProcessHandle> left = processes();
        if (!left.isEmpty()) {
            throw new IOException("Dovecot processes left after close: " + describe(left));
        }
        deleteTree(dir);
    }

    private void killAll() {
        knownProcesses = processes();
        process.destroy(); // SIGTERM: the master shuts its children down
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            List<ProcessHandle> remaining = new ArrayList<>(knownProcesses);
            remaining.addAll(processes());
            // The master exits without waiting for all its children (anvil, log, config, stats, auth,
            // login processes were seen to linger for 10-20 s): SIGTERM them too, then SIGKILL.
            remaining.stream().filter(DovecotServer::running).forEach(ProcessHandle::destroy);
            if (!awaitGone(remaining)) {
                remaining.forEach(ProcessHandle::destroyForcibly);
                awaitGone(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static boolean awaitGone(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (processes.stream().anyMatch(DovecotServer::running)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Alive and not a zombie. Children whose master exited first are reparented to PID 1, and a
     * container's PID 1 may be slow to reap them: a zombie holds no sockets or files, so it counts as
     * gone (ProcessHandle.isAlive() alone says true for it).
     */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return p.isAlive(); // no /proc (not Linux), or the process just went away
        }
    }

    private static String describe(List<ProcessHandle> processes) {
        StringBuilder s = new StringBuilder();
        for (ProcessHandle p : processes) {
            s.append(p.pid()).append(' ').append(processTitle(p).orElse("?")).append("; ");
        }
        return s.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static Optional<Path> binary(String name) {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry, name));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/local/sbin", name));
        return candidates.stream().filter(Files::isRegularFile).filter(Files::isExecutable).findFirst();
    }

    private static Optional<String[]> passwdEntry(String user) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.map(l -> l.split(":", -1)).filter(f -> f.length >= 4 && f[0].equals(user)).findFirst();
        }
    }

    private static String groupName(int gid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/etc/group"))) {
            return lines.map(l -> l.split(":", -1))
                    .filter(f -> f.length >= 3 && f[2].equals(Integer.toString(gid)))
                    .map(f -> f[0]).findFirst().orElse(Integer.toString(gid));
        }
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final class PortClashException extends IOException {
        PortClashException(String message) {
            super(message);
        }
    }
}
