package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.LimitOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.max-sessions-per-user-and-address} through real sockets and GreenMail: clients
 * bound to 127.0.0.1 and 127.0.0.2 (both loopback on Linux) are two client addresses.
 */
class SessionsPerUserAndAddressTest {

    private Upstream upstream;
    private BridgeServer bridge;

    @BeforeEach
    void start() throws Exception {
        upstream = new Upstream();
        ImapClientOptions imap = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024,
                1L << 31, null);
        BridgeOptions options = new BridgeOptions(upstream.endpoint(), imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        Pop3Options pop3 = Pop3Options.defaults().withLimits(new LimitOptions(100, 50, 10, Duration.ZERO, false, 2));
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), pop3, new ImapMailboxProvider(options), 1);
    }

    @AfterEach
    void stop() {
        bridge.close();
        upstream.close();
    }

    private Pop3TestClient connectFrom(String localAddress) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(bridge.localAddress(), 5000);
            socket.setSoTimeout(10_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new Pop3TestClient(socket, true);
    }

    private static String login(Pop3TestClient pop) throws IOException {
        Pop3TestClient.expectOk(pop.command("USER " + Upstream.USER));
        return pop.command("PASS " + Upstream.PASSWORD);
    }

    @Test
    void thirdSessionFromOneAddressIsInUseWhileAnotherAddressStillLogsIn() throws Exception {
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress("127.0.0.2", 0));
        } catch (IOException e) {
            assumeTrue(false, "cannot bind 127.0.0.2 on this machine: " + e.getMessage());
        }
        try (Pop3TestClient one = connectFrom("127.0.0.1");
                Pop3TestClient two = connectFrom("127.0.0.1");
                Pop3TestClient three = connectFrom("127.0.0.1");
                Pop3TestClient other = connectFrom("127.0.0.2")) {
            assertTrue(login(one).startsWith("+OK"));
            assertTrue(login(two).startsWith("+OK"));
            assertEquals("-ERR [IN-USE] Too many sessions for this user.", login(three));
            assertTrue(login(other).startsWith("+OK"), "another address has its own count");
            Pop3TestClient.expectOk(one.command("QUIT"));
            assertTrue(one.closedByServer());
            // the slot is free again; the refused client may retry on its connection
            String retry = "";
            for (int i = 0; i < 100 && !retry.startsWith("+OK"); i++) {
                retry = login(three);
                if (!retry.startsWith("+OK")) {
                    Thread.sleep(20); // the QUIT's release runs when the server closes the connection
                }
            }
            assertTrue(retry.startsWith("+OK"), retry);
        }
    }
}
