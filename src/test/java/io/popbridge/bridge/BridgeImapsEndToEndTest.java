package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POP3 client → popbridge → GreenMail over verified IMAPS (CA file, host name check, pin). */
class BridgeImapsEndToEndTest {

    private static final String USER = "tls-user";
    private static final String PASSWORD = "pä ss\"wörd\\{3}";

    private GreenMail greenMail;
    private BridgeServer bridge;

    @BeforeEach
    void setUp() throws Exception {
        greenMail = GreenMailTls.start();
        greenMail.setUser("tls-user@example.com", USER, PASSWORD);
    }

    @AfterEach
    void tearDown() {
        if (bridge != null) {
            bridge.close();
        }
        greenMail.stop();
    }

    private InetSocketAddress start(ImapClientOptions imap) throws Exception {
        BridgeOptions options = new BridgeOptions(GreenMailTls.imaps(greenMail), imap, "INBOX",
                DeletePolicy.parse("hide"), RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
        return bridge.localAddress();
    }

    private ImapClientOptions verified() throws Exception {
        return new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024, 1L << 31,
                GreenMailTls.clientContext());
    }

    @Test
    void retrOverVerifiedImapsIsByteExact() throws Exception {
        List<Long> uids;
        try (RawImap imap = new RawImap("127.0.0.1", greenMail.getImap().getPort(), USER, PASSWORD)) {
            for (byte[] message : Corpus.framingCorpus()) {
                imap.append(message, null);
            }
            uids = imap.uids();
        }
        InetSocketAddress address = start(verified().withPublicKeyPins(Set.of(GreenMailTls.serverPin())));
        try (Pop3TestClient pop = new Pop3TestClient(address).login(USER, PASSWORD);
                RawImap imap = new RawImap("127.0.0.1", greenMail.getImap().getPort(), USER, PASSWORD)) {
            for (int n = 1; n <= uids.size(); n++) {
                assertArrayEquals(BridgeEndToEndTest.crlf(imap.body(uids.get(n - 1))), pop.retr(n), "message " + n);
            }
            Pop3TestClient.expectOk(pop.command("QUIT"));
        }
    }

    @Test
    void wrongPinAnswersSysTemp() throws Exception {
        // a pin of some other key: verification of the chain passes, the pin does not
        String otherPin = io.popbridge.imap.TestCertificates.ca("another key").pin();
        InetSocketAddress address = start(verified().withPublicKeyPins(Set.of(otherPin)));
        try (Pop3TestClient pop = new Pop3TestClient(address)) {
            Pop3TestClient.expectOk(pop.command("USER " + USER));
            String reply = pop.command("PASS " + PASSWORD);
            assertTrue(reply.startsWith("-ERR [SYS/TEMP]"), reply);
        }
    }
}
