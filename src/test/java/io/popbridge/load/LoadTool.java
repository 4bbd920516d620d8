package io.popbridge.load;

import io.popbridge.load.Scenario.Account;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The POP3 load tool (issue 7): drives any POP3 endpoint (or, for the RETR reference, an IMAP
 * server) with one scenario in closed-loop (N workers, each starting its next session when the
 * last ends) or open-loop mode (sessions started at a fixed rate whatever the server does; latency
 * is measured from each session's intended start, so a stalled server shows up in the percentiles
 * instead of silently lowering the offered load: no coordinated omission). See
 * docs/performance.md; run it with {@code bench/load.sh}.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "POP3 load generator: poll, download, top, idle (and imap-download, the RETR reference).")
public final class LoadTool implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", required = true, description = "Server port.")
    int port;

    @Option(names = "--tls", defaultValue = "none", description = "none, stls or pop3s (trust-all: loopback only).")
    String tls;

    @Option(names = "--user", description = "user:password (repeatable; sessions take users round-robin).")
    List<String> users = new ArrayList<>();

    @Option(names = "--users-file", description = "File with one user:password per line.")
    Path usersFile;

    @Option(names = "--scenario", defaultValue = "poll", description = "poll, download, top, idle, imap-download, imap-poll.")
    String scenario;

    @Option(names = "--mode", defaultValue = "closed", description = "closed (N workers) or open (fixed rate).")
    String mode;

    @Option(names = "--workers", defaultValue = "8", description = "Concurrent workers (open mode: the most in flight).")
    int workers;

    @Option(names = "--rate", defaultValue = "50", description = "Open mode: sessions started per second.")
    double rate;

    @Option(names = "--duration", defaultValue = "20", description = "Measured seconds (idle: seconds held).")
    double duration;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds first (same load).")
    double warmup;

    @Option(names = "--sessions", defaultValue = "0", description = "Closed mode: stop after this many sessions (0: by time).")
    long sessionLimit;

    @Option(names = "--max-messages", defaultValue = "2147483647", description = "download/top: at most this many per session.")
    int maxMessages;

    @Option(names = "--idle-sessions", defaultValue = "100", description = "idle: sessions held open.")
    int idleSessions;

    @Option(names = "--noop-interval", defaultValue = "10", description = "idle: seconds between NOOP rounds.")
    double noopInterval;

    @Option(names = "--timeout", defaultValue = "60", description = "Socket connect/read timeout in seconds.")
    int timeoutSeconds;

    @Option(names = "--label", defaultValue = "", description = "Name printed on the result lines.")
    String label;

    /** The outcome of a run: counts and the measured wall time. */
    public record Result(Stats stats, double seconds) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTool()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Result result = run();
        String name = label.isEmpty() ? scenario + "@" + host + ":" + port : label;
        System.out.print(result.stats().report(name, result.seconds()));
        return 0;
    }

    Target target() {
        Target.TlsMode mode = switch (tls) {
            case "none" -> Target.TlsMode.NONE;
            case "stls" -> Target.TlsMode.STLS;
            case "pop3s" -> Target.TlsMode.IMPLICIT;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--tls: none, stls or pop3s");
        };
        return new Target(host, port, mode, timeoutSeconds * 1000);
    }

    List<Account> accounts() throws IOException {
        List<Account> accounts = new ArrayList<>();
        users.forEach(u -> accounts.add(Account.parse(u)));
        if (usersFile != null) {
            for (String line : Files.readAllLines(usersFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    accounts.add(Account.parse(line.strip()));
                }
            }
        }
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("no accounts: give --user user:password or --users-file");
        }
        return accounts;
    }

    /** Runs the warm-up (if any) and the measured run. */
    public Result run() throws Exception {
        Target target = target();
        List<Account> accounts = accounts();
        Scenario which = Scenario.parse(scenario);
        if (which == Scenario.IDLE) {
            return new IdleRun(target, accounts, idleSessions, workers, noopInterval).run(duration);
        }
        if (warmup > 0) {
            runFor(target, accounts, which, warmup, 0, new Stats());
        }
        Stats stats = new Stats();
        long start = System.nanoTime();
        runFor(target, accounts, which, duration, sessionLimit, stats);
        return new Result(stats, (System.nanoTime() - start) / 1e9);
    }

    private void runFor(Target target, List<Account> accounts, Scenario which, double seconds, long limit,
            Stats stats) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong counter = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            if ("closed".equals(mode)) {
                for (int w = 0; w < workers; w++) {
                    pool.execute(() -> {
                        for (;;) {
                            long n = counter.getAndIncrement();
                            if (System.nanoTime() >= deadline || (limit > 0 && n >= limit)) {
                                return;
                            }
                            oneSession(target, accounts.get((int) (n % accounts.size())), which, stats, 0);
                        }
                    });
                }
            } else if ("open".equals(mode)) {
                long period = (long) (1e9 / rate);
                long first = System.nanoTime();
                for (long i = 0;; i++) {
                    long intended = first + i * period;
                    if (intended >= deadline) {
                        break;
                    }
                    long wait = intended - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    Account account = accounts.get((int) (i % accounts.size()));
                    pool.execute(() -> oneSession(target, account, which, stats, intended));
                }
            } else {
                throw new IllegalArgumentException("--mode: closed or open");
            }
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(timeoutSeconds + (long) seconds + 60, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                stats.error("unfinished_at_end");
            }
        }
    }

    /**
     * One session; in open mode its latency counts from {@code intended} (its scheduled start),
     * in closed mode ({@code intended} 0) from its actual start.
     */
    private void oneSession(Target target, Account account, Scenario which, Stats stats, long scheduled) {
        long start = System.nanoTime();
        long intended = scheduled == 0 ? start : scheduled;
        try {
            which.session(target, account, maxMessages, stats);
            long end = System.nanoTime();
            stats.sessions.increment();
            stats.record("session", end - intended);
            if (scheduled != 0) {
                stats.record("service", end - start); // open mode: without the queueing delay
            }
        } catch (IOException | RuntimeException e) {
            stats.error(e);
        }
    }
}
