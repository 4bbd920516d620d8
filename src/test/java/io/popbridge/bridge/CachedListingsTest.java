package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.ListingCache;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.testing.ModSeqImapServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache in front of the sync survives a restart: the first login after it lists nothing. */
class CachedListingsTest {

    private static final MailboxKey KEY = new MailboxKey("test", ModSeqImapServer.USER, "INBOX");

    @TempDir
    Path dir;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ModSeqImapServer server;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        server = new ModSeqImapServer("IMAP4rev1 ENABLE CONDSTORE QRESYNC", 5);
        for (int i = 0; i < 500; i++) {
            server.append(100 + i);
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private ListingSync.Result login(CachedListings listings) throws Exception {
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", server.port(), UpstreamEndpoint.Security.PLAIN);
        ImapClient client = loop.submit(() -> ImapClient.connect(loop, endpoint, ImapClientOptions.defaults()))
                .get().get(10, TimeUnit.SECONDS);
        try {
            loop.submit(() -> client.login(ModSeqImapServer.USER.getBytes(StandardCharsets.UTF_8),
                    ModSeqImapServer.PASSWORD.getBytes(StandardCharsets.UTF_8))).get().get(10, TimeUnit.SECONDS);
            ListingSync.Result r = loop.submit(() -> listings.open(client, loop, KEY, "INBOX", false, "$POP3Deleted"))
                    .get().get(30, TimeUnit.SECONDS);
            listings.save(KEY, r.listing()).get(30, TimeUnit.SECONDS);
            return r;
        } finally {
            loop.submit(client::logout).get().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRestartKeepsTheListing() throws Exception {
        StoreConfig config = new StoreConfig.Sqlite(dir.resolve("popbridge.db"));
        try (MappingStore store = MappingStore.open(config)) {
            ListingSync.Result first = login(new CachedListings(new ListingCache(store, 100_000, null)));
            assertTrue(first.delta().full());
        }
        server.resetCounts();
        try (MappingStore store = MappingStore.open(config)) {
            ListingSync.Result again = login(new CachedListings(new ListingCache(store, 100_000, null)));
            assertTrue(again.delta().unchanged(), again.delta().toString());
            assertEquals(500, again.listing().size());
            assertEquals(List.of("ENABLE QRESYNC", "SELECT \"INBOX\" (QRESYNC (5 " + again.listing().highestModSeq()
                    + " 1:500))"), SyncRunner.syncCommands(server.commands()));
        }
    }

    @Test
    void aClosedStoreMeansAFullListingNotAFailedLogin() throws Exception {
        MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("closed.db")));
        store.close();
        ListingSync.Result r = login(new CachedListings(new ListingCache(store, 100_000, null)));
        assertTrue(r.delta().full());
        assertEquals(500, r.listing().size());
    }
}
