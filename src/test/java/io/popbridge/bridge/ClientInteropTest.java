package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Corpus;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real POP3 clients (curl, Jakarta Mail's POP3 provider) downloading through the bridge. */
class ClientInteropTest {

    private Upstream upstream;
    private BridgeServer bridge;
    private List<Long> uids;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        try (RawImap imap = upstream.imap(); RawImap bob = upstream.imap(Upstream.USER2, Upstream.PASSWORD2)) {
            for (byte[] message : Corpus.framingCorpus()) {
                imap.append(message, null);
                bob.append(message, null);
            }
            uids = imap.uids();
        }
        BridgeOptions options = new BridgeOptions(upstream.endpoint(),
                new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024, 1L << 31, null),
                "INBOX", DeletePolicy.HIDE, RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 2);
    }

    @AfterEach
    void tearDown() {
        bridge.close();
        upstream.close();
    }

    @Test
    void curlRetrievesEveryMessageByteExact() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute(), "curl is not installed (apt-get install curl)");
        int port = bridge.localAddress().getPort();
        try (RawImap imap = upstream.imap()) {
            for (int n = 1; n <= uids.size(); n++) {
                Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--max-time", "30",
                        "--user", Upstream.USER + ":" + Upstream.PASSWORD,
                        "pop3://127.0.0.1:" + port + "/" + n).redirectErrorStream(false).start();
                byte[] got = curl.getInputStream().readAllBytes();
                String err = new String(curl.getErrorStream().readAllBytes());
                curl.waitFor(30, TimeUnit.SECONDS);
                assertEquals(0, curl.exitValue(), "curl failed: " + err);
                assertArrayEquals(BridgeEndToEndTest.crlf(imap.body(uids.get(n - 1))), got, "message " + n);
            }
        }
    }

    @Test
    void jakartaMailPop3ProviderReadsMessagesAndUids() throws Exception {
        Properties props = new Properties();
        props.put("mail.pop3.host", "127.0.0.1");
        props.put("mail.pop3.port", Integer.toString(bridge.localAddress().getPort()));
        props.put("mail.pop3.connectiontimeout", "10000");
        props.put("mail.pop3.timeout", "10000");
        Session session = Session.getInstance(props);
        Store store = session.getStore("pop3");
        // Jakarta Mail sends the password as ISO-8859-1; the bridge passes octets through
        // unchanged, so this client logs in with an ASCII password.
        store.connect(Upstream.USER2, Upstream.PASSWORD2);
        try (RawImap imap = upstream.imap(Upstream.USER2, Upstream.PASSWORD2)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] messages = inbox.getMessages();
            assertEquals(uids.size(), messages.length);
            for (int i = 0; i < messages.length; i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                messages[i].writeTo(out);
                byte[] expected = BridgeEndToEndTest.crlf(imap.body(uids.get(i)));
                assertArrayEquals(expected, out.toByteArray(), "message " + (i + 1));
                assertEquals(String.format("%08x", uids.get(i)), ((POP3Folder) inbox).getUID(messages[i]).substring(0, 8));
            }
            inbox.close(false);
        } finally {
            store.close();
        }
    }
}
