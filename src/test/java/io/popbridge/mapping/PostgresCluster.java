package io.popbridge.mapping;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for the store tests: initdb + pg_ctl from the OS packages
 * ({@code .ci/install-postgresql.sh}) in a temp dir, listening on a free port of 127.0.0.1 with
 * trust authentication, started once per test JVM and stopped at exit. As root it runs as the
 * {@code postgres} OS user (initdb refuses root), or {@code nobody} where there is none.
 */
final class PostgresCluster {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster instance;
    private static String unavailable;

    private final int port;

    private PostgresCluster(int port) {
        this.port = port;
    }

    /** The running cluster, or null; then {@link #unavailableReason()} says why. */
    static synchronized PostgresCluster get() {
        if (instance == null && unavailable == null) {
            try {
                instance = start();
            } catch (Exception e) {
                unavailable = e.getMessage();
            }
        }
        return instance;
    }

    static synchronized String unavailableReason() {
        return unavailable;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a fresh, empty database and returns its name. */
    String createDatabase() throws SQLException {
        String name = "popbridge_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    void dropDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static PostgresCluster start() throws Exception {
        Path bin = findBin();
        String user = System.getProperty("user.name");
        List<String> asUser = new ArrayList<>();
        if ("root".equals(user)) {
            String osUser = run(List.of("id", "-u", "postgres"), false) == 0 ? "postgres" : "nobody";
            asUser.addAll(List.of("runuser", "-u", osUser, "--"));
            user = osUser;
        }
        Path dir = Files.createTempDirectory("popbridge-pg");
        if (!asUser.isEmpty()) {
            check(List.of("chown", user, dir.toString()), "chown of the cluster directory");
        }
        try {
            return startIn(dir, bin, asUser);
        } catch (Exception e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static PostgresCluster startIn(Path dir, Path bin, List<String> asUser) throws Exception {
        Path data = dir.resolve("data");
        List<String> initdb = new ArrayList<>(asUser);
        initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C", "-N"));
        check(initdb, "initdb");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> pgCtl = new ArrayList<>(asUser);
        pgCtl.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -h 127.0.0.1 -k " + dir + " -F", "start"));
        check(pgCtl, "pg_ctl start (log: " + dir.resolve("log") + ")");
        List<String> stop = new ArrayList<>(asUser);
        stop.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(stop, false);
            } catch (Exception e) {
                // Best effort at JVM exit.
            }
            deleteTree(dir);
        }));
        return new PostgresCluster(port);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a temp dir.
        }
    }

    private static Path findBin() throws IOException {
        String env = System.getenv("PG_BIN");
        if (env != null) {
            if (!Files.isExecutable(Path.of(env, "initdb"))) {
                throw new IOException("PG_BIN=" + env + " has no initdb");
            }
            return Path.of(env);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("PostgreSQL is not installed (no /usr/lib/postgresql; run .ci/install-postgresql.sh)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElseThrow(() -> new IOException("no initdb/pg_ctl under /usr/lib/postgresql/*/bin"));
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void check(List<String> command, String what) throws IOException, InterruptedException {
        if (run(command, true) != 0) {
            throw new IOException(what + " failed (output on stderr)");
        }
    }

    private static int run(List<String> command, boolean log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        if (p.exitValue() != 0 && log) {
            System.err.println(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return p.exitValue();
    }
}
