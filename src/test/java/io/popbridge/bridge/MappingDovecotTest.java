package io.popbridge.bridge;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.StoreConfig;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.RawImap;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping store's UIDL guarantees with a real Dovecot upstream (skipped where not installed). */
class MappingDovecotTest {

    @TempDir
    Path dir;

    @Test
    void uidlsSurviveAUidValidityChangeOnDovecot() throws Exception {
        try (DovecotServer dovecot = DovecotServer.startOrSkip();
                MappingStore store = MappingStore.open(new StoreConfig.Sqlite(dir.resolve("popbridge.db")))) {
            SslContext tls = SslContextBuilder.forClient().trustManager(dovecot.certificatePem().toFile())
                    .protocols("TLSv1.3", "TLSv1.2").build();
            UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", dovecot.imapPort(),
                    UpstreamEndpoint.Security.STARTTLS);
            AtomicInteger rematches = new AtomicInteger();
            BridgeServer bridge = MappingBridgeTest.start(endpoint, tls, MappingBridgeTest.FOLDER, "hide", store,
                    rematches);
            try (RawImap imap = new RawImap("127.0.0.1", dovecot.imapPort(), "alice", dovecot.password("alice"))) {
                MappingBridgeTest.uidlsSurviveRecreatedFolder(imap, bridge.localAddress(), "alice",
                        dovecot.password("alice"), rematches);
            } finally {
                bridge.close();
            }
        }
    }
}
