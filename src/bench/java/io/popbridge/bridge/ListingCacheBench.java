package io.popbridge.bridge;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.ModSeqImapServer;
import io.popbridge.testing.Pop3TestClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Time and upstream octets of a POP3 login with STAT + UIDL + QUIT through popbridge (SQLite
 * store) on a large mailbox of the modelled upstream ({@code testing.ModSeqImapServer}), first
 * login and repeat logins, with QRESYNC, CONDSTORE only, neither (with and without ESEARCH), and
 * with the listing cache off. Not a test: results go to docs/performance.md.
 *
 * <p>Run: {@code mvn -o -q -Pbench test-compile}, then
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.popbridge.bridge.ListingCacheBench [messages]}
 * with cp.txt from {@code mvn -o -q dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class ListingCacheBench {

    private static final int REPEATS = 5;
    /** Result rows, printed at the end (the bridge's log lines share stdout). */
    private static final List<String> ROWS = new ArrayList<>();

    private ListingCacheBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("listing-bench");
        // warm-up (JIT) on a small mailbox
        run(dir, "warm-up", "IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", 2_000, 1_000_000, false);
        run(dir, "warm-up", "IMAP4rev1", 2_000, 1_000_000, false);
        ROWS.add(String.format("%-34s %-8s %10s %12s %10s %9s", "upstream", "login", "time ms", "octets down",
                "octets up", "commands"));
        run(dir, "QRESYNC (+CONDSTORE, ESEARCH)", "IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", messages, 1_000_000, true);
        run(dir, "CONDSTORE only", "IMAP4rev1 CONDSTORE", messages, 1_000_000, true);
        run(dir, "neither, ESEARCH", "IMAP4rev1 ESEARCH", messages, 1_000_000, true);
        run(dir, "neither (plain IMAP4rev1)", "IMAP4rev1", messages, 1_000_000, true);
        run(dir, "QRESYNC, listing cache off", "IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", messages, 0, true);
        System.out.println("==== " + messages + " messages");
        ROWS.forEach(System.out::println);
    }

    private static void run(Path dir, String name, String capabilities, int messages, long cacheMessages,
            boolean print) throws Exception {
        Path db = dir.resolve(System.nanoTime() + ".db");
        try (ModSeqImapServer server = new ModSeqImapServer(capabilities, 4711);
                MappingStore store = MappingStore.open(new StoreConfig.Sqlite(db))) {
            for (int i = 0; i < messages; i++) {
                server.append(2_000 + i % 50_000);
            }
            UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
            BridgeServer bridge = MappingBridgeTest.start(endpoint, null, "INBOX", "hide", store, new AtomicInteger(),
                    MappingOptions.DEFAULTS.withListingCache(cacheMessages));
            try {
                InetSocketAddress address = bridge.localAddress();
                server.resetCounts();
                long t = System.nanoTime();
                int listed = session(address, messages);
                long firstMs = (System.nanoTime() - t) / 1_000_000;
                if (print) {
                    ROWS.add(String.format("%-34s %-8s %10d %12d %10d %9d", name, "first", firstMs,
                            server.bytesToClient(), server.bytesFromClient(), server.commands().size()));
                }
                long[] times = new long[REPEATS];
                long down = 0;
                long up = 0;
                int commands = 0;
                for (int i = 0; i < REPEATS; i++) {
                    Thread.sleep(200); // the previous session's LOGOUT arrives after its POP3 QUIT answer
                    server.resetCounts();
                    t = System.nanoTime();
                    session(address, listed);
                    times[i] = (System.nanoTime() - t) / 1_000_000;
                    down = server.bytesToClient();
                    up = server.bytesFromClient();
                    commands = server.commands().size();
                }
                Arrays.sort(times);
                if (print) {
                    ROWS.add(String.format("%-34s %-8s %10d %12d %10d %9d   (median of %d; commands: %s)", name,
                            "repeat", times[REPEATS / 2], down, up, commands, REPEATS, summary(server.commands())));
                }
            } finally {
                bridge.close();
            }
        }
    }

    private static String summary(List<String> commands) {
        List<String> out = new ArrayList<>();
        for (String c : commands) {
            out.add(c.startsWith("LOGIN") || c.startsWith("AUTHENTICATE") ? c.split(" ")[0]
                    : c.length() > 60 ? c.substring(0, 60) + "..." : c);
        }
        return out.toString();
    }

    /** STAT + UIDL + QUIT; returns the message count, which must be {@code expected}. */
    private static int session(InetSocketAddress address, int expected) throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(address).login(ModSeqImapServer.USER, ModSeqImapServer.PASSWORD)) {
            String stat = Pop3TestClient.expectOk(pop.command("STAT"));
            Pop3TestClient.expectOk(pop.command("UIDL"));
            int n = pop.lines().size();
            if (n != expected || Integer.parseInt(stat.split(" ")[1]) != n) {
                throw new IllegalStateException("listed " + n + " (" + stat + "), expected " + expected);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
            return n;
        }
    }
}
