package io.popbridge.load;

import io.popbridge.testing.DovecotServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The comparison (issue 7), run by {@code bench/compare.sh}: a private Dovecot (IMAP and its own
 * POP3 on one mail store), seeded maildirs, popbridge (the built jar, as a separate JVM) in front
 * of Dovecot's IMAP, and the load tool's scenarios against (a) Dovecot's POP3, (b) popbridge and,
 * for RETR, (c) direct IMAP {@code UID FETCH BODY.PEEK[]}, printing the ratios.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Dovecot POP3 vs popbridge vs direct IMAP on the same seeded mailboxes.")
public final class Compare implements Callable<Integer> {

    @Option(names = "--jar", defaultValue = "target/popbridge.jar", description = "popbridge jar (default ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--popbridge-jvm", defaultValue = "-Xms256m -Xmx512m", description = "JVM flags for popbridge.")
    String popbridgeJvm;

    @Option(names = "--popbridge-cpus", description = "Run popbridge under taskset -c with this CPU list (e.g. 1); "
            + "bench/compare.sh --split-cpus sets it.")
    String popbridgeCpus;

    @Option(names = "--users", defaultValue = "3", description = "Users with small mailboxes.")
    int users;

    @Option(names = "--messages", defaultValue = "200", description = "Messages per small mailbox (5-50 KB each).")
    int messages;

    @Option(names = "--big", defaultValue = "100000", description = "Messages in the big mailbox (1-4 KB; 0: none).")
    int big;

    @Option(names = "--duration", defaultValue = "15", description = "Measured seconds per run.")
    double duration;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per run.")
    double warmup;

    @Option(names = "--reuse-idle-time", defaultValue = "15s",
            description = "popbridge's upstream.reuse.idle-time (0: every poll logs in upstream; default ${DEFAULT-VALUE}).")
    String reuseIdleTime;

    @Option(names = "--workers", defaultValue = "4", description = "Closed-loop workers (Dovecot allows 10 per user+IP).")
    int workers;

    @Option(names = "--open-rate", defaultValue = "20", description = "poll-open: sessions started per second.")
    double openRate;

    @Option(names = "--scenarios", defaultValue = "poll,poll-open,download,top,big-poll", split = ",",
            description = "Which of poll, poll-open, download, top, big-poll to run.")
    List<String> scenarios;

    private final Map<String, LoadTool.Result> results = new LinkedHashMap<>();
    private ProcessHandle popbridge;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Compare()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--jar: " + jar + " does not exist (mvn -B package -DskipTests)");
        }
        try (DovecotServer dovecot = DovecotServer.start()) {
            System.out.println("Dovecot " + dovecot.version() + ": IMAP 127.0.0.1:" + dovecot.imapPort() + ", POP3 127.0.0.1:"
                    + dovecot.pop3Port());
            List<String> small = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int u = 1; u <= users; u++) {
                String user = "bench" + u;
                long octets = addUser(dovecot, user, messages, 5_000, 50_000, u);
                small.add(user + ":" + password(user));
                System.out.printf(Locale.ROOT, "seeded %s: %d messages, %.1f MB%n", user, messages, octets / 1e6);
            }
            if (big > 0) {
                long octets = addUser(dovecot, "big", big, 1_000, 4_000, 99);
                System.out.printf(Locale.ROOT, "seeded big: %d messages, %.1f MB%n", big, octets / 1e6);
            }
            System.out.printf(Locale.ROOT, "seeding took %.1fs%n", (System.nanoTime() - t0) / 1e9);
            indexOnce(dovecot, small);
            Path work = dovecot.directory().resolve("popbridge");
            Process process = startPopbridge(work, dovecot.imapPort());
            popbridge = process.toHandle();
            try {
                int bridgePort = Integer.parseInt(Files.readString(work.resolve("port")).trim());
                runAll(dovecot, bridgePort, small);
            } finally {
                process.destroy();
                if (!process.waitFor(40, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
        printRatios();
        return 0;
    }

    private void runAll(DovecotServer dovecot, int bridgePort, List<String> small) throws Exception {
        int pop3 = dovecot.pop3Port();
        if (scenarios.contains("poll")) {
            run("poll dovecot-pop3", pop3, "poll", small, workers);
            run("poll popbridge", bridgePort, "poll", small, workers);
            run("poll imap-direct", dovecot.imapPort(), "imap-poll", small, workers);
        }
        if (scenarios.contains("poll-open")) {
            run("poll-open dovecot-pop3", pop3, "poll", small, 24, "--mode=open", "--rate=" + openRate);
            run("poll-open popbridge", bridgePort, "poll", small, 24, "--mode=open", "--rate=" + openRate);
        }
        if (scenarios.contains("download")) {
            run("download dovecot-pop3", pop3, "download", small, workers);
            run("download popbridge", bridgePort, "download", small, workers);
            run("download imap-fetch", dovecot.imapPort(), "imap-download", small, workers);
        }
        if (scenarios.contains("top")) {
            run("top dovecot-pop3", pop3, "top", small, workers);
            run("top popbridge", bridgePort, "top", small, workers);
        }
        if (big > 0 && scenarios.contains("big-poll")) {
            List<String> bigUser = List.of("big:" + password("big"));
            run("big-poll dovecot-pop3", pop3, "poll", bigUser, 2);
            run("big-poll popbridge", bridgePort, "poll", bigUser, 2);
            run("big-poll imap-direct", dovecot.imapPort(), "imap-poll", bigUser, 2);
        }
    }

    private void run(String label, int port, String scenario, List<String> accounts, int concurrency, String... extra)
            throws Exception {
        if (warmup > 0) {
            tool(port, scenario, accounts, concurrency, warmup, label, extra).run();
        }
        Duration cpuBefore = popbridgeCpu();
        LoadTool.Result result = tool(port, scenario, accounts, concurrency, duration, label, extra).run();
        Duration cpu = popbridgeCpu().minus(cpuBefore);
        results.put(label, result);
        System.out.print(result.stats().report(label.replace(' ', '/'), result.seconds()));
        if (label.endsWith("popbridge")) {
            Stats s = result.stats();
            System.out.printf(Locale.ROOT, "  popbridge CPU: %.2f cores busy, %.2f ms per session, %.2f ms per MB%n",
                    cpu.toNanos() / 1e9 / result.seconds(), cpu.toNanos() / 1e6 / Math.max(1, s.sessions.sum()),
                    s.octets.sum() == 0 ? 0.0 : cpu.toNanos() / 1e6 / (s.octets.sum() / 1e6));
        }
        System.out.flush();
    }

    private LoadTool tool(int port, String scenario, List<String> accounts, int concurrency, double seconds, String label,
            String... extra) {
        LoadTool tool = new LoadTool();
        List<String> args = new ArrayList<>(List.of("--port=" + port, "--scenario=" + scenario, "--workers=" + concurrency,
                "--duration=" + seconds, "--warmup=0", "--timeout=300", "--label=" + label.replace(' ', '/')));
        accounts.forEach(a -> args.add("--user=" + a));
        args.addAll(List.of(extra));
        new CommandLine(tool).parseArgs(args.toArray(String[]::new));
        return tool;
    }

    /** Total CPU time of the popbridge process so far (zero before it runs). */
    private Duration popbridgeCpu() {
        return popbridge == null ? Duration.ZERO : popbridge.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private void printRatios() {
        System.out.println();
        System.out.println("Ratios (popbridge / reference; indicative, see docs/performance.md):");
        ratio("poll sessions/s vs Dovecot POP3 (target >= 1.00)", "poll popbridge", "poll dovecot-pop3", true);
        ratio("poll sessions/s vs its upstream work done directly", "poll popbridge", "poll imap-direct", true);
        ratio("upstream work (IMAP login+listing) vs Dovecot POP3", "poll imap-direct", "poll dovecot-pop3", true);
        ratio("RETR MB/s vs direct IMAP FETCH (target >= 0.90)", "download popbridge", "download imap-fetch", false);
        ratio("RETR MB/s vs Dovecot POP3", "download popbridge", "download dovecot-pop3", false);
        ratio("TOP sessions/s vs Dovecot POP3", "top popbridge", "top dovecot-pop3", true);
        ratio("100k-mailbox poll sessions/s vs Dovecot POP3", "big-poll popbridge", "big-poll dovecot-pop3", true);
        ratio("100k-mailbox poll vs its upstream work done directly", "big-poll popbridge", "big-poll imap-direct", true);
        for (String target : List.of("dovecot-pop3", "popbridge")) {
            LoadTool.Result r = results.get("poll-open " + target);
            if (r != null) {
                System.out.printf(Locale.ROOT, "  poll at %.0f/s offered, %-13s latency from intended start: %s%n", openRate,
                        target, Stats.percentiles("session", r.stats().latency("session")));
            }
        }
        long errors = results.values().stream().mapToLong(r -> r.stats().errorCount()).sum();
        System.out.println("errors over all runs: " + errors);
    }

    private void ratio(String what, String ours, String reference, boolean sessions) {
        LoadTool.Result a = results.get(ours);
        LoadTool.Result b = results.get(reference);
        if (a == null || b == null) {
            return;
        }
        double x = sessions ? a.stats().sessions.sum() / a.seconds() : a.stats().octets.sum() / a.seconds();
        double y = sessions ? b.stats().sessions.sum() / b.seconds() : b.stats().octets.sum() / b.seconds();
        System.out.printf(Locale.ROOT, "  %-48s %8.2f / %8.2f = %.2f%n", what, sessions ? x : x / 1e6,
                sessions ? y : y / 1e6, x / y);
    }

    private static String password(String user) {
        return "pw-" + user;
    }

    /** Adds a passwd-file user (Dovecot re-reads the file) and seeds its maildir on disk. */
    private static long addUser(DovecotServer dovecot, String user, int count, int min, int max, long seed)
            throws IOException {
        Path passwd = dovecot.directory().resolve("passwd");
        String[] template = Files.readAllLines(passwd, StandardCharsets.UTF_8).get(0).split(":", -1);
        Path maildir = dovecot.directory().resolve("mail").resolve(user);
        long octets = MaildirSeeder.seed(maildir, count, min, max, seed);
        String line = user + ":{PLAIN}" + password(user) + ":" + template[2] + ":" + template[3] + "::" + maildir + "::\n";
        Files.writeString(passwd, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        if (System.getProperty("user.name").equals("root")) {
            exec("chown", "-R", template[2] + ":" + template[3], maildir.toString());
        }
        return octets;
    }

    /** One IMAP listing per mailbox, so Dovecot builds its indexes before anything is measured. */
    private void indexOnce(DovecotServer dovecot, List<String> small) throws IOException {
        List<String> all = new ArrayList<>(small);
        if (big > 0) {
            all.add("big:" + password("big"));
        }
        for (String spec : all) {
            long t0 = System.nanoTime();
            Scenario.Account account = Scenario.Account.parse(spec);
            try (ImapDirect imap = new ImapDirect(new Target("127.0.0.1", dovecot.imapPort(), Target.TlsMode.NONE, 600_000))) {
                imap.login(account.user(), account.password());
                int listed = imap.listing().size();
                imap.logout();
                System.out.printf(Locale.ROOT, "indexed %s: %d messages in %.1fs%n", account.user(), listed,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private Process startPopbridge(Path work, int imapPort) throws IOException, InterruptedException {
        Files.createDirectories(work);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String config = """
                # written by io.popbridge.load.Compare: plaintext on loopback, like the Dovecot POP3 it is compared with
                listeners:
                  - address: 127.0.0.1:%d
                    tls: plain
                data-dir: %s
                upstream:
                  url: imap://127.0.0.1:%d
                  reuse:
                    idle-time: %s
                auth:
                  failure-delay: 0s
                limits:
                  max-connections: 100000
                  max-connections-per-address: 100000
                  max-sessions-per-user: 1000
                admin:
                  enabled: false
                """.formatted(port, work.resolve("data"), imapPort, reuseIdleTime);
        Files.writeString(work.resolve("popbridge.yaml"), config, StandardCharsets.UTF_8);
        Files.writeString(work.resolve("port"), Integer.toString(port));
        List<String> command = new ArrayList<>();
        if (popbridgeCpus != null && !popbridgeCpus.isBlank()) {
            command.addAll(List.of("taskset", "-c", popbridgeCpus.trim())); // taskset execs java: same pid, CPU time still read
        }
        command.add("java");
        command.addAll(List.of(popbridgeJvm.trim().split("\\s+")));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--config", work.resolve("popbridge.yaml").toString()));
        System.out.println("popbridge: " + String.join(" ", command));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("popbridge.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("popbridge exited: " + Files.readString(work.resolve("popbridge.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return process;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        process.destroyForcibly();
        throw new IOException("popbridge did not listen on " + port + " within 60 s");
    }

    private static void exec(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
