package io.popbridge.bridge;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.CountingProxy;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.Pop3TestClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * As {@link ListingCacheBench}, against a real Dovecot 2.3 (QRESYNC) whose maildir is seeded with
 * {@code messages} files before its first login; octets counted by a {@code testing.CountingProxy}
 * between popbridge and Dovecot. Rows: with the listing cache (first login, repeat logins) and
 * with the cache off (repeat logins). Not a test: results go to docs/performance.md.
 */
public final class DovecotListingBench {

    private static final int REPEATS = 5;

    private DovecotListingBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> rows = new ArrayList<>();
        try (DovecotServer dovecot = DovecotServer.start();
                CountingProxy proxy = new CountingProxy(dovecot.imapPort())) {
            String password = dovecot.password("alice");
            Path cur = dovecot.maildir("alice").resolve("cur");
            Files.createDirectories(cur);
            Files.createDirectories(dovecot.maildir("alice").resolve("new"));
            Files.createDirectories(dovecot.maildir("alice").resolve("tmp"));
            for (int i = 0; i < messages; i++) {
                String text = "From: Bob <bob@example.com>\r\nTo: alice@example.com\r\nSubject: message " + i
                        + "\r\nMessage-ID: <" + i + "@bench.example>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n"
                        + "body of message " + i + "\r\n";
                Files.write(cur.resolve((1_700_000_000L + i) + ".M" + i + "P1.bench:2,"),
                        text.getBytes(StandardCharsets.US_ASCII));
            }
            // the mail processes run as the owner of <dir>/mail (not root when the bench runs as root)
            Path maildir = dovecot.maildir("alice");
            Process chown = new ProcessBuilder("chown", "-R", "--reference=" + maildir.getParent(), maildir.toString())
                    .inheritIO().start();
            if (chown.waitFor() != 0) {
                throw new IllegalStateException("chown of the seeded maildir failed");
            }
            // let Dovecot index the maildir first, so the rows measure popbridge, not the first scan
            long t = System.nanoTime();
            new io.popbridge.testing.RawImap(dovecot.host(), dovecot.imapPort(), "alice", password).close();
            rows.add("dovecot " + dovecot.version() + ": first index of " + messages + " messages: "
                    + (System.nanoTime() - t) / 1_000_000 + " ms");
            UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", proxy.port(), UpstreamEndpoint.Security.PLAIN);
            Path dir = Files.createTempDirectory("dovecot-bench");
            for (long cache : new long[] {1_000_000, 0}) {
                try (MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve(cache + ".db")))) {
                    BridgeServer bridge = MappingBridgeTest.start(endpoint, null, "INBOX", "hide", store,
                            new AtomicInteger(), MappingOptions.DEFAULTS.withListingCache(cache));
                    try {
                        String name = cache > 0 ? "Dovecot QRESYNC, cache" : "Dovecot QRESYNC, cache off";
                        proxy.reset();
                        t = System.nanoTime();
                        session(bridge.localAddress(), password, messages);
                        rows.add(String.format("%-28s first  %8d ms %12d down %8d up %4d commands", name,
                                (System.nanoTime() - t) / 1_000_000, proxy.bytesDown(), proxy.bytesUp(),
                                proxy.commands().size()));
                        long[] times = new long[REPEATS];
                        for (int i = 0; i < REPEATS; i++) {
                            Thread.sleep(200);
                            proxy.reset();
                            t = System.nanoTime();
                            session(bridge.localAddress(), password, messages);
                            times[i] = (System.nanoTime() - t) / 1_000_000;
                        }
                        Arrays.sort(times);
                        Thread.sleep(200);
                        rows.add(String.format("%-28s repeat %8d ms %12d down %8d up %4d commands (median of %d) %s",
                                name, times[REPEATS / 2], proxy.bytesDown(), proxy.bytesUp(), proxy.commands().size(),
                                REPEATS, proxy.commands().stream().map(DovecotListingBench::withoutCredentials)
                                        .toList()));
                    } finally {
                        bridge.close();
                    }
                }
            }
        }
        System.out.println("==== " + messages + " messages");
        rows.forEach(System.out::println);
    }

    private static String withoutCredentials(String command) {
        return command.startsWith("LOGIN") || command.startsWith("AUTHENTICATE") ? command.split(" ")[0] : command;
    }

    private static void session(InetSocketAddress address, String password, int expected) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(address).login("alice", password)) {
            String stat = Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("UIDL"));
            int n = pop.lines().size();
            if (n != expected || Integer.parseInt(stat.split(" ")[1]) != n) {
                throw new IllegalStateException("listed " + n + " (" + stat + "), expected " + expected);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }
}
